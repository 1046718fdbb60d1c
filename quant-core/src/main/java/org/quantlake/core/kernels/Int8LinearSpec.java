package org.quantlake.core.kernels;

/**
 * One int8 Gemm / MatMul layer (QGemm): uint8 activations {@code [m][k]} with zero point {@code aZp}, int8 weights
 * {@code [k][n]} with zero zero points, uint8 output {@code [m][n]} with zero point {@code yZp}, clamped to
 * {@code [lo, hi]}. The row count m (the batch) is per call.
 */
public record Int8LinearSpec(int k, int n, int aZp, int yZp, int lo, int hi) {

    public Int8LinearSpec {
        if (k <= 0 || n <= 0 || (long) k * n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Gemm sizes must be positive and k * n fit an int: " + this);
        }
        if (aZp < 0 || aZp > 255 || yZp < 0 || yZp > 255 || !(0 <= lo && lo <= hi && hi <= 255)) {
            throw new IllegalArgumentException("uint8 zero points and 0 <= lo <= hi <= 255 required: " + this);
        }
    }

    /** Per output column {@code bias[j] - aZp * sum_k w[k][j]} (wrapping int arithmetic). */
    public int[] offsets(byte[] weightsKN, int[] bias) {
        int[] offset = new int[n];
        for (int j = 0; j < n; j++) {
            int sum = 0;
            for (int q = 0; q < k; q++) {
                sum += weightsKN[q * n + j];
            }
            offset[j] = bias[j] - aZp * sum;
        }
        return offset;
    }
}
