package org.quantlake.core.kernels;

/**
 * The JNI entry points of the native library (src/main/c/ql_jni.c). Callers check every argument first: the native
 * side trusts sizes, offsets and handles. Arrays passed to the run methods are reached without copying.
 */
final class NativeInt8 {

    private NativeInt8() {
    }

    /** Bit {@link NativeLevel#code} set for each level this CPU runs. */
    static native int levels();

    /** The CPU features found, for the log. */
    static native String cpu();

    /** Packs a conv layer; {@code spec} as {@link Int8ConvSpec#toArray}, offsets as {@link Int8ConvSpec#offsets}. */
    static native long convNew(int level, int[] spec, byte[] weights, int[] offset, float[] mult);

    static native long convScratch(long conv, int images);

    static native void convRun(long conv, byte[] x, int xOff, int images, byte[] y, int yOff, byte[] scratch);

    static native void convFree(long conv);

    static native long linearNew(int level, int k, int n, byte[] weightsKN, int[] offset, float[] mult, int zp,
                                 int lo, int hi);

    static native long linearScratch(long linear, int m);

    static native void linearRun(long linear, int m, byte[] a, int aOff, byte[] y, int yOff, byte[] scratch);

    static native void linearFree(long linear);

    static native void gemmS8U8(int level, int m, int n, int k, byte[] a, int aOff, int lda, byte[] b, int bOff,
                                int ldb, int[] c, int cOff, int ldc);

    static native void gemmU8S8(int level, int m, int n, int k, byte[] a, int aOff, int lda, byte[] b, int bOff,
                                int ldb, int[] c, int cOff, int ldc);

    /** {@code g} as {@link Int8MaxPoolPlane#geometry}; scratch of at least its padded width. */
    static native void maxPoolU8(int[] g, byte[] x, int xOff, int planes, byte[] y, int yOff, byte[] scratch);

    /** As {@link #maxPoolU8} for floats (Math.max semantics); scratch of {@link MaxPoolPlane#scratchSize} floats. */
    static native void maxPoolF32(int[] g, float[] x, int xOff, int planes, float[] y, int yOff, float[] scratch);

    static native void requantize(int level, boolean perRow, int[] acc, int accOff, int rows, int cols, int[] offset,
                                  float[] mult, int zp, int lo, int hi, byte[] y, int yOff);
}
