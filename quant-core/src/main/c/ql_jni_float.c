/*
 * JNI binding for org.quantlake.core.kernels.NativeFloat: the float Conv layers. As ql_jni.c: the Java side checks
 * every argument first, activations are reached with GetPrimitiveArrayCritical (no copy), and packed layers live in
 * native memory owned by a Java object with a Cleaner.
 */
#include <jni.h>
#include <stdlib.h>
#include "ql_float.h"

#define FN(name) Java_org_quantlake_core_kernels_NativeFloat_##name

JNIEXPORT jboolean JNICALL FN(runs)(JNIEnv *env, jclass cls, jint level) {
    (void) env;
    (void) cls;
    return ql_fops_for(level) != NULL;
}

JNIEXPORT jlong JNICALL FN(convNew)(JNIEnv *env, jclass cls, jint level, jintArray jspec, jfloat lo, jfloat hi,
                                    jfloatArray jw, jfloatArray jbias) {
    (void) cls;
    ql_fconv_spec s;
    (*env)->GetIntArrayRegion(env, jspec, 0, QL_FCONV_SPEC_INTS, (jint *) &s);
    jfloat *w = (*env)->GetFloatArrayElements(env, jw, NULL);
    jfloat *bias = jbias == NULL ? NULL : (*env)->GetFloatArrayElements(env, jbias, NULL);
    ql_fconv *cv = NULL;
    if (w != NULL && (jbias == NULL || bias != NULL)) {
        cv = ql_fconv_new(ql_fops_for(level), &s, lo, hi, (const float *) w, (const float *) bias);
    }
    if (bias != NULL) (*env)->ReleaseFloatArrayElements(env, jbias, bias, JNI_ABORT);
    if (w != NULL) (*env)->ReleaseFloatArrayElements(env, jw, w, JNI_ABORT);
    if (cv == NULL && !(*env)->ExceptionCheck(env)) {
        jclass c = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
        if (c != NULL) {
            (*env)->ThrowNew(env, c, "native memory for packed float conv weights");
        }
    }
    return (jlong) (intptr_t) cv;
}

JNIEXPORT jlong JNICALL FN(convScratch)(JNIEnv *env, jclass cls, jlong h, jint images) {
    (void) env;
    (void) cls;
    return (jlong) ql_fconv_scratch((const ql_fconv *) (intptr_t) h, images);
}

JNIEXPORT void JNICALL FN(convRun)(JNIEnv *env, jclass cls, jlong h, jfloatArray jx, jint xoff, jint images,
                                   jfloatArray jy, jint yoff, jfloatArray jscratch) {
    (void) cls;
    float *x = (*env)->GetPrimitiveArrayCritical(env, jx, NULL);
    float *y = (*env)->GetPrimitiveArrayCritical(env, jy, NULL);
    float *scratch = (*env)->GetPrimitiveArrayCritical(env, jscratch, NULL);
    if (x != NULL && y != NULL && scratch != NULL) {
        ql_fconv_run((const ql_fconv *) (intptr_t) h, x + xoff, images, y + yoff, scratch);
    }
    if (scratch != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jscratch, scratch, 0);
    if (y != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jy, y, 0);
    if (x != NULL) (*env)->ReleasePrimitiveArrayCritical(env, jx, x, JNI_ABORT);
}

JNIEXPORT void JNICALL FN(convFree)(JNIEnv *env, jclass cls, jlong h) {
    (void) env;
    (void) cls;
    ql_fconv_free((ql_fconv *) (intptr_t) h);
}
