/*
 * JNI binding for org.quantlake.core.kernels.NativeInt8 (Java 17: no FFM). The Java side checks every argument
 * before calling, so this layer only maps arrays and handles.
 *
 * Activations are Java arrays reached with GetPrimitiveArrayCritical: no copy (HotSpot pins or blocks GC instead),
 * which FACTS measured as the fastest way to pass heap arrays. Inside a critical region no JNI call is made.
 * Packed layers live in native memory; the Java object owning a handle frees it with a Cleaner.
 */
#include <jni.h>
#include <stdlib.h>
#include "ql_int8.h"

#define FN(name) Java_org_quantlake_core_kernels_NativeInt8_##name

static void throw_oom(JNIEnv *env, const char *what) {
    jclass c = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
    if (c != NULL) {
        (*env)->ThrowNew(env, c, what);
    }
}

JNIEXPORT jint JNICALL FN(levels)(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return ql_cpu_levels();
}

JNIEXPORT jstring JNICALL FN(cpu)(JNIEnv *env, jclass cls) {
    (void) cls;
    return (*env)->NewStringUTF(env, ql_cpu_description());
}

JNIEXPORT jlong JNICALL FN(convNew)(JNIEnv *env, jclass cls, jint level, jintArray jspec, jbyteArray jw,
                                    jintArray joff, jfloatArray jmult) {
    (void) cls;
    ql_conv_spec s;
    (*env)->GetIntArrayRegion(env, jspec, 0, QL_CONV_SPEC_INTS, (jint *) &s);
    jbyte *w = (*env)->GetByteArrayElements(env, jw, NULL);
    jint *off = (*env)->GetIntArrayElements(env, joff, NULL);
    jfloat *mult = (*env)->GetFloatArrayElements(env, jmult, NULL);
    ql_conv *cv = NULL;
    if (w != NULL && off != NULL && mult != NULL) {
        cv = ql_conv_new(ql_ops_for(level), &s, (const int8_t *) w, (const int32_t *) off, (const float *) mult);
    }
    if (mult != NULL) (*env)->ReleaseFloatArrayElements(env, jmult, mult, JNI_ABORT);
    if (off != NULL) (*env)->ReleaseIntArrayElements(env, joff, off, JNI_ABORT);
    if (w != NULL) (*env)->ReleaseByteArrayElements(env, jw, w, JNI_ABORT);
    if (cv == NULL && !(*env)->ExceptionCheck(env)) {
        throw_oom(env, "native memory for packed conv weights");
    }
    return (jlong) (intptr_t) cv;
}

JNIEXPORT jlong JNICALL FN(convScratch)(JNIEnv *env, jclass cls, jlong h, jint images) {
    (void) env;
    (void) cls;
    return (jlong) ql_conv_scratch((const ql_conv *) (intptr_t) h, images);
}

JNIEXPORT void JNICALL FN(convRun)(JNIEnv *env, jclass cls, jlong h, jbyteArray jx, jint xoff, jint images,
                                   jbyteArray jy, jint yoff, jbyteArray jscratch) {
    (void) cls;
    uint8_t *x = (*env)->GetPrimitiveArrayCritical(env, jx, NULL);
    uint8_t *y = (*env)->GetPrimitiveArrayCritical(env, jy, NULL);
    uint8_t *scratch = (*env)->GetPrimitiveArrayCritical(env, jscratch, NULL);
    if (x != NULL && y != NULL && scratch != NULL) {
        ql_conv_run((const ql_conv *) (intptr_t) h, x + xoff, images, y + yoff, scratch);
    }
    if (scratch != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jscratch, scratch, 0);
    if (y != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jy, y, 0);
    if (x != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jx, x, JNI_ABORT);
}

JNIEXPORT void JNICALL FN(convFree)(JNIEnv *env, jclass cls, jlong h) {
    (void) env;
    (void) cls;
    ql_conv_free((ql_conv *) (intptr_t) h);
}

JNIEXPORT jlong JNICALL FN(linearNew)(JNIEnv *env, jclass cls, jint level, jint k, jint n, jbyteArray jb,
                                      jintArray joff, jfloatArray jmult, jint zp, jint lo, jint hi) {
    (void) cls;
    jbyte *b = (*env)->GetByteArrayElements(env, jb, NULL);
    jint *off = (*env)->GetIntArrayElements(env, joff, NULL);
    jfloat *mult = (*env)->GetFloatArrayElements(env, jmult, NULL);
    ql_rq rq = {zp, lo, hi};
    ql_linear *ln = NULL;
    if (b != NULL && off != NULL && mult != NULL) {
        ln = ql_linear_new(ql_ops_for(level), k, n, (const int8_t *) b, (const int32_t *) off, (const float *) mult,
                           &rq);
    }
    if (mult != NULL) (*env)->ReleaseFloatArrayElements(env, jmult, mult, JNI_ABORT);
    if (off != NULL) (*env)->ReleaseIntArrayElements(env, joff, off, JNI_ABORT);
    if (b != NULL) (*env)->ReleaseByteArrayElements(env, jb, b, JNI_ABORT);
    if (ln == NULL && !(*env)->ExceptionCheck(env)) {
        throw_oom(env, "native memory for packed Gemm weights");
    }
    return (jlong) (intptr_t) ln;
}

JNIEXPORT jlong JNICALL FN(linearScratch)(JNIEnv *env, jclass cls, jlong h, jint m) {
    (void) env;
    (void) cls;
    return (jlong) ql_linear_scratch((const ql_linear *) (intptr_t) h, m);
}

JNIEXPORT void JNICALL FN(linearRun)(JNIEnv *env, jclass cls, jlong h, jint m, jbyteArray ja, jint aoff,
                                     jbyteArray jy, jint yoff, jbyteArray jscratch) {
    (void) cls;
    uint8_t *a = (*env)->GetPrimitiveArrayCritical(env, ja, NULL);
    uint8_t *y = (*env)->GetPrimitiveArrayCritical(env, jy, NULL);
    uint8_t *scratch = (*env)->GetPrimitiveArrayCritical(env, jscratch, NULL);
    if (a != NULL && y != NULL && scratch != NULL) {
        ql_linear_run((const ql_linear *) (intptr_t) h, m, a + aoff, y + yoff, scratch);
    }
    if (scratch != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jscratch, scratch, 0);
    if (y != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jy, y, 0);
    if (a != NULL) (*env)->ReleasePrimitiveArrayCritical(env, ja, a, JNI_ABORT);
}

JNIEXPORT void JNICALL FN(linearFree)(JNIEnv *env, jclass cls, jlong h) {
    (void) env;
    (void) cls;
    ql_linear_free((ql_linear *) (intptr_t) h);
}

/* The two plain GEMMs share everything but the kernel and the operand types. */
static void gemm(JNIEnv *env, int s8u8, jint level, jint m, jint n, jint k, jbyteArray ja, jint aoff, jint lda,
                 jbyteArray jb, jint boff, jint ldb, jintArray jc, jint coff, jint ldc) {
    uint8_t *a = (*env)->GetPrimitiveArrayCritical(env, ja, NULL);
    uint8_t *b = (*env)->GetPrimitiveArrayCritical(env, jb, NULL);
    int32_t *c = (*env)->GetPrimitiveArrayCritical(env, jc, NULL);
    int rc = -1;
    if (a != NULL && b != NULL && c != NULL) {
        const ql_ops *ops = ql_ops_for(level);
        rc = s8u8 ? ql_gemm_s8u8(ops, m, n, k, (const int8_t *) a + aoff, lda, b + boff, ldb, c + coff, ldc)
                  : ql_gemm_u8s8(ops, m, n, k, a + aoff, lda, (const int8_t *) b + boff, ldb, c + coff, ldc);
    }
    if (c != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jc, c, 0);
    if (b != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jb, b, JNI_ABORT);
    if (a != NULL) (*env)->ReleasePrimitiveArrayCritical(env, ja, a, JNI_ABORT);
    if (rc != 0 && !(*env)->ExceptionCheck(env)) {
        throw_oom(env, "native memory for GEMM packing");
    }
}

JNIEXPORT void JNICALL FN(gemmS8U8)(JNIEnv *env, jclass cls, jint level, jint m, jint n, jint k, jbyteArray a,
                                    jint aoff, jint lda, jbyteArray b, jint boff, jint ldb, jintArray c, jint coff,
                                    jint ldc) {
    (void) cls;
    gemm(env, 1, level, m, n, k, a, aoff, lda, b, boff, ldb, c, coff, ldc);
}

JNIEXPORT void JNICALL FN(gemmU8S8)(JNIEnv *env, jclass cls, jint level, jint m, jint n, jint k, jbyteArray a,
                                    jint aoff, jint lda, jbyteArray b, jint boff, jint ldb, jintArray c, jint coff,
                                    jint ldc) {
    (void) cls;
    gemm(env, 0, level, m, n, k, a, aoff, lda, b, boff, ldb, c, coff, ldc);
}

JNIEXPORT void JNICALL FN(requantize)(JNIEnv *env, jclass cls, jint level, jboolean per_row, jintArray jacc,
                                      jint accoff, jint rows, jint cols, jintArray joff, jfloatArray jmult, jint zp,
                                      jint lo, jint hi, jbyteArray jy, jint yoff) {
    (void) cls;
    int32_t *acc = (*env)->GetPrimitiveArrayCritical(env, jacc, NULL);
    int32_t *off = (*env)->GetPrimitiveArrayCritical(env, joff, NULL);
    float *mult = (*env)->GetPrimitiveArrayCritical(env, jmult, NULL);
    uint8_t *y = (*env)->GetPrimitiveArrayCritical(env, jy, NULL);
    if (acc != NULL && off != NULL && mult != NULL && y != NULL) {
        ql_rq rq = {zp, lo, hi};
        if (per_row) {
            ql_requantize_rows(ql_ops_for(level), acc + accoff, rows, cols, off, mult, &rq, y + yoff);
        } else {
            ql_requantize_cols(ql_ops_for(level), acc + accoff, rows, cols, off, mult, &rq, y + yoff);
        }
    }
    if (y != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jy, y, 0);
    if (mult != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jmult, mult, JNI_ABORT);
    if (off != NULL) (*env)->ReleasePrimitiveArrayCritical(env, joff, off, JNI_ABORT);
    if (acc != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jacc, acc, JNI_ABORT);
}

JNIEXPORT void JNICALL FN(maxPoolU8)(JNIEnv *env, jclass cls, jintArray jg, jbyteArray jx, jint xoff, jint planes,
                                     jbyteArray jy, jint yoff, jbyteArray jscratch) {
    (void) cls;
    int g[QL_POOL_INTS];
    (*env)->GetIntArrayRegion(env, jg, 0, QL_POOL_INTS, (jint *) g);
    uint8_t *x = (*env)->GetPrimitiveArrayCritical(env, jx, NULL);
    uint8_t *y = (*env)->GetPrimitiveArrayCritical(env, jy, NULL);
    uint8_t *scratch = (*env)->GetPrimitiveArrayCritical(env, jscratch, NULL);
    if (x != NULL && y != NULL && scratch != NULL) {
        ql_maxpool_u8(g, x + xoff, planes, y + yoff, scratch);
    }
    if (scratch != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jscratch, scratch, 0);
    if (y != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jy, y, 0);
    if (x != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jx, x, JNI_ABORT);
}


JNIEXPORT void JNICALL FN(maxPoolF32)(JNIEnv *env, jclass cls, jintArray jg, jfloatArray jx, jint xoff, jint planes,
                                      jfloatArray jy, jint yoff, jfloatArray jscratch) {
    (void) cls;
    int g[QL_POOL_INTS];
    (*env)->GetIntArrayRegion(env, jg, 0, QL_POOL_INTS, (jint *) g);
    float *x = (*env)->GetPrimitiveArrayCritical(env, jx, NULL);
    float *y = (*env)->GetPrimitiveArrayCritical(env, jy, NULL);
    float *scratch = (*env)->GetPrimitiveArrayCritical(env, jscratch, NULL);
    if (x != NULL && y != NULL && scratch != NULL) {
        ql_maxpool_f32(g, x + xoff, planes, y + yoff, scratch);
    }
    if (scratch != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jscratch, scratch, 0);
    if (y != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jy, y, 0);
    if (x != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jx, x, JNI_ABORT);
}
