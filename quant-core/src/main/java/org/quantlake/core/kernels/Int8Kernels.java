package org.quantlake.core.kernels;

/**
 * The int8 hot loops: exact integer products of uint8 activations and int8 weights into int32 accumulators, and the
 * project's one requantization rule ({@link org.quantlake.core.quant.Requantizer}). Every implementation (plain
 * Java, Vector API, native) must give bit-identical results; differential tests run them against each other.
 * Sums are int32 and wrap on overflow (two's complement) in every implementation; no k up to 65,793 can overflow.
 * Stateless and thread-safe.
 */
public interface Int8Kernels {

    /** A short name for logs and benchmarks. */
    String name();

    /**
     * Weights times activations (Conv): {@code C[i][j] = sum_p A[i][p] * (B[p][j] & 0xFF)} with A int8 [m x k]
     * (row stride lda) and B uint8 [k x n] (row stride ldb); C int32 [m x n] (row stride ldc), overwritten.
     */
    void gemmS8U8(int m, int n, int k, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb, int[] c, int cOff, int ldc);

    /**
     * Activations times weights (Gemm / MatMul): {@code C[i][j] = sum_p (A[i][p] & 0xFF) * B[p][j]} with A uint8
     * [m x k] and B int8 [k x n]; C int32 [m x n], overwritten.
     */
    void gemmU8S8(int m, int n, int k, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb, int[] c, int cOff, int ldc);

    /**
     * Requantizes {@code rows x cols} accumulators to uint8 with one multiplier and offset per row (Conv: per output
     * channel): {@code y = clamp(rint((float)(acc + offset[r]) * mult[r]) + zp, lo, hi)}, where {@code offset}
     * carries the bias and the input zero-point correction. Requires {@code 0 <= lo <= hi <= 255} and a uint8 zp.
     */
    void requantizeRows(int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult, int zp, int lo, int hi,
                        byte[] y, int yOff);

    /** As {@link #requantizeRows} with one multiplier and offset per column (Gemm: per output feature). */
    void requantizeCols(int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult, int zp, int lo, int hi,
                        byte[] y, int yOff);

    /**
     * Prepares a convolution layer once per model: weights {@code [outChannels][channels / group][kh][kw]} int8,
     * {@code bias[outChannels]} int32, {@code mult[outChannels]} (the rule's float32 multipliers). Depthwise layers
     * ({@link Int8ConvSpec#depthwise}) compute {@code bias + sum w * (x - xZp)} over the in-bounds taps; all others
     * {@code W x im2col(x)} with the padding read as {@code xZp}, plus {@link Int8ConvSpec#offsets}: the same sums.
     * The default composes this object's own {@link #gemmS8U8} and {@link #requantizeRows}.
     */
    default Int8Conv prepareConv(Int8ConvSpec spec, byte[] weights, int[] bias, float[] mult) {
        return new GemmInt8Conv(this, spec, weights, bias, mult);
    }

    /**
     * Prepares a Gemm layer once per model: weights {@code [k][n]} int8 row-major, {@code bias[n]} int32 and
     * {@code mult[n]}. The default composes {@link #gemmU8S8} and {@link #requantizeCols}.
     */
    default Int8Linear prepareLinear(Int8LinearSpec spec, byte[] weightsKN, int[] bias, float[] mult) {
        return new GemmInt8Linear(this, spec, weightsKN, bias, mult);
    }

    /**
     * {@code y[yOff + i] = max(y[yOff + i], x[xOff + i])} as uint8, for i < n: one tap of an int8 max pool over a run
     * of outputs ({@link Int8MaxPoolPlane}). Exact, so every implementation gives identical bytes.
     */
    void maxU8(int n, byte[] x, int xOff, byte[] y, int yOff);

    /**
     * The int8 Add of a QDQ unit over n elements, exactly as the unit defines it, in float32:
     * {@code v = ((a - aZp) * aScale + (b - bZp) * bScale) / yScale}, clamped to {@code [lo - yZp, hi - yZp]},
     * {@code y = rint(v) + yZp} (a NaN v gives yZp). Requires {@code 0 <= lo <= hi <= 255} and uint8 zero points.
     * Every implementation gives identical bytes (ONNX Runtime agrees with this definition: QAdd's tests).
     */
    void addU8(int n, byte[] a, int aOff, float aScale, int aZp, byte[] b, int bOff, float bScale, int bZp,
               float yScale, int yZp, int lo, int hi, byte[] y, int yOff);

    /**
     * ONNX QuantizeLinear per tensor over n values, exactly {@link org.quantlake.core.quant.Quantization#quantize}:
     * {@code q = saturate(rint(x / scale) + zp)} to [0, 255] ({@code signed == false}, stored as the low 8 bits) or
     * [-128, 127], with a NaN giving zp. Requires zp within the type's range. Every implementation gives identical
     * bytes; the default is the scalar definition.
     */
    default void quantize(int n, float[] x, int xOff, float scale, int zp, boolean signed, byte[] y, int yOff) {
        KernelArgs.checkQuantize(n, x, xOff, zp, signed, y, yOff);
        DefaultInt8Kernels.quantizeScalar(0, n, x, xOff, scale, zp, signed, y, yOff);
    }

    /**
     * uint8 max pool of {@code planes} consecutive planes with {@code pool}'s geometry, scratch of
     * {@link Int8MaxPoolPlane#scratchSize} bytes; identical bytes in every implementation. The default runs
     * {@link Int8MaxPoolPlane#plane} (the separable Java passes over this object's {@link #maxU8}) plane by plane.
     */
    default void maxPoolU8(Int8MaxPoolPlane pool, int planes, byte[] x, int xOff, byte[] y, int yOff, byte[] scratch) {
        KernelArgs.checkPool(pool, planes, x, xOff, y, yOff, scratch);
        for (int p = 0; p < planes; p++) {
            pool.plane(this, x, xOff + p * pool.inSize(), y, yOff + p * pool.outSize(), scratch);
        }
    }
}
