package org.quantlake.core.kernels;

/**
 * The float32 hot loops, as primitive-array methods. Implementations: {@link DefaultFloatKernels} (plain Java,
 * always available) and a Vector API version chosen by {@link KernelProvider} at startup. Both must give results
 * equal to within float reassociation error (differential tests run both over awkward sizes).
 * Implementations are stateless and thread-safe.
 */
public interface FloatKernels {

    /** A short name for logs and benchmarks ("java", "panama"). */
    String name();

    /**
     * Row-major GEMM: {@code C[i][j] = (accumulate ? C[i][j] : 0) + sum_p A[i][p] * B[p][j]} for i < m, j < n,
     * p < k, where {@code X[r][c]} is {@code x[xOff + r * ldx + c]}.
     */
    void gemm(int m, int n, int k,
              float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc,
              boolean accumulate);

    /** Dot product of {@code n} values. */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /**
     * Epilogue over {@code rows} rows of {@code cols} contiguous values starting at {@code off}:
     * {@code x = clamp(x + bias[row], lo, hi)}; {@code bias} may be null (no bias). Use lo = -Inf, hi = +Inf for
     * no activation, lo = 0 for Relu, [0, 6] for Relu6 / Clip.
     */
    void biasClamp(float[] x, int off, int rows, int cols, float[] bias, float lo, float hi);

    /**
     * {@code y[yOff + i] += a * x[xOff + i]} for i < n: one tap of a depthwise convolution over an output row.
     * (The Vector API version may fuse the multiply-add; the two agree within float rounding.)
     */
    void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff);

    /**
     * {@code y[yOff + i] = Math.max(y[yOff + i], x[xOff + i])} for i < n: one tap of a max pool over an output row.
     * Math.max semantics exactly (NaN wins, -0.0 < +0.0), so every implementation gives identical bits.
     */
    void maxInto(int n, float[] x, int xOff, float[] y, int yOff);

    /**
     * Max pool of {@code planes} consecutive planes with {@code pool}'s geometry, scratch of
     * {@link MaxPoolPlane#scratchSize} floats: Math.max semantics, so every implementation gives identical bits. The
     * default runs {@link MaxPoolPlane#plane} (separable passes over this object's {@link #maxInto}) plane by plane.
     */
    default void maxPool(MaxPoolPlane pool, int planes, float[] x, int xOff, float[] y, int yOff, float[] scratch) {
        KernelArgs.checkPool(pool, planes, x, xOff, y, yOff, scratch);
        for (int p = 0; p < planes; p++) {
            pool.plane(this, x, xOff + p * pool.inSize(), y, yOff + p * pool.outSize(), scratch);
        }
    }

    /**
     * Prepares a convolution layer once per model: weights {@code [outChannels][channels / group][kh][kw]},
     * {@code bias[outChannels]} or null (none). The default composes this object's own {@link #gemm},
     * {@link #biasClamp} and, for depthwise layers, {@link DepthwiseConv} over {@link #axpy}; it keeps the weights
     * array (callers must not change it afterwards).
     */
    default FloatConv prepareConv(FloatConvSpec spec, float[] weights, float[] bias) {
        KernelArgs.checkFloatConvWeights(spec, weights, bias);
        return new GemmFloatConv(this, spec, weights, bias);
    }
}
