package org.quantlake.core.kernels;

import java.util.Arrays;

/**
 * The plain row-by-row int8 GEMM loop for shapes too small to repay blocking or packing, and the operand masks every
 * int8 GEMM uses: {@code x & U8} reads a byte as uint8, {@code x & S8} as int8, so one loop serves both signednesses.
 */
final class ScalarInt8Gemm {

    /** Mask that widens a byte as uint8 (0..255). */
    static final int U8 = 0xFF;
    /** Mask that widens a byte as int8 (-128..127): all bits kept, so sign extension stands. */
    static final int S8 = -1;

    private ScalarInt8Gemm() {
    }

    /** C = (A & aMask) (B & bMask) in int32, C overwritten; arguments already checked. */
    static void gemm(int m, int n, int k,
                     byte[] a, int aOff, int lda, int aMask,
                     byte[] b, int bOff, int ldb, int bMask,
                     int[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            Arrays.fill(c, ci, ci + n, 0);
            int ai = aOff + i * lda;
            for (int p = 0; p < k; p++) {
                int x = a[ai + p] & aMask;
                int bi = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += x * (b[bi + j] & bMask);
                }
            }
        }
    }
}
