package org.quantlake.core.kernels;

import java.util.Objects;

/**
 * {@link FloatKernels} whose prepared convolutions run in the native library at one dispatch level (zmm FMA tiles
 * at avx512vnni, which implies AVX-512F; ymm FMA tiles at avxvnni and avx2), while the other float loops (GEMM,
 * dot, bias + clamp, axpy, max) are the JVM's best Java float kernels (Vector API where it loads), to which this
 * class delegates. Results agree with the Java kernels within float rounding, and are deterministic: the native
 * conv sums each output in one fixed order, so an image gives the same bits wherever it sits in any batch.
 */
final class NativeFloatKernels implements FloatKernels {

    private final NativeLevel level;
    private final FloatKernels java;

    /** Only for levels {@link #runs} accepts. */
    NativeFloatKernels(NativeLevel level, FloatKernels java) {
        if (!runs(level)) {
            throw new UnsupportedOperationException("native float level " + level.id() + " cannot run here: "
                    + NativeLibrary.unavailableReason().orElse("CPU features " + NativeLibrary.status().cpu()));
        }
        this.level = level;
        this.java = Objects.requireNonNull(java, "java");
    }

    /** Whether the native float kernels run at this level here (the library loaded, and FMA for the ymm kernels). */
    static boolean runs(NativeLevel level) {
        return NativeLibrary.status().levels().contains(level) && NativeFloat.runs(level.code);
    }

    NativeLevel level() {
        return level;
    }

    @Override
    public String name() {
        return level == NativeLevel.AVX512_VNNI ? "native-avx512" : "native-avx2";
    }

    @Override
    public FloatConv prepareConv(FloatConvSpec spec, float[] weights, float[] bias) {
        KernelArgs.checkFloatConvWeights(spec, weights, bias);
        return new NativeFloatConv(level, spec, weights, bias);
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c,
                     int cOff, int ldc, boolean accumulate) {
        java.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return java.dot(a, aOff, b, bOff, n);
    }

    @Override
    public void biasClamp(float[] x, int off, int rows, int cols, float[] bias, float lo, float hi) {
        java.biasClamp(x, off, rows, cols, bias, lo, hi);
    }

    @Override
    public void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff) {
        java.axpy(n, a, x, xOff, y, yOff);
    }

    @Override
    public void maxInto(int n, float[] x, int xOff, float[] y, int yOff) {
        java.maxInto(n, x, xOff, y, yOff);
    }

    /** All planes in one native call (ql_pool.c, Math.max semantics on AVX2, which every native level has). */
    @Override
    public void maxPool(MaxPoolPlane pool, int planes, float[] x, int xOff, float[] y, int yOff, float[] scratch) {
        KernelArgs.checkPool(pool, planes, x, xOff, y, yOff, scratch);
        if (planes == 0) {
            return;
        }
        NativeInt8.maxPoolF32(pool.geometry(), x, xOff, planes, y, yOff, scratch);
    }

    @Override
    public String toString() {
        return name() + " (with " + java.name() + ")";
    }
}
