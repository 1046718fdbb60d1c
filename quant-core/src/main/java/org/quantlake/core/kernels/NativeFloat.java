package org.quantlake.core.kernels;

/**
 * The JNI entry points of the native float conv (src/main/c/ql_jni_float.c), in the library {@link NativeLibrary}
 * loads. Callers check every argument first: the native side trusts sizes, offsets and handles. Arrays passed to
 * {@link #convRun} are reached without copying.
 */
final class NativeFloat {

    private NativeFloat() {
    }

    /** Whether the float kernels run at this level here (AVX-512F for avx512vnni, AVX2 + FMA otherwise). */
    static native boolean runs(int level);

    /** Packs a conv layer; {@code spec} as {@link FloatConvSpec#geometryArray}; {@code bias} may be null. */
    static native long convNew(int level, int[] spec, float lo, float hi, float[] weights, float[] bias);

    /** Floats of scratch for this many images. */
    static native long convScratch(long conv, int images);

    static native void convRun(long conv, float[] x, int xOff, int images, float[] y, int yOff, float[] scratch);

    static native void convFree(long conv);
}
