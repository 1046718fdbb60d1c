package org.quantlake.core.kernels;

import org.quantlake.core.quant.Requantizer;

/**
 * The {@link Int8Kernels} contract as naive loops (the original plain-Java kernels, kept here once the real ones
 * were blocked and vectorised): every implementation must equal these bit for bit.
 */
final class Int8Reference {

    private Int8Reference() {
    }

    /** The two GEMM entry points, each with its operands' signedness. */
    enum Gemm {
        S8U8(true, false),
        U8S8(false, true);

        final boolean aSigned;
        final boolean bSigned;

        Gemm(boolean aSigned, boolean bSigned) {
            this.aSigned = aSigned;
            this.bSigned = bSigned;
        }

        /** Calls this entry point of {@code kernels}. */
        void run(Int8Kernels kernels, int m, int n, int k, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb,
                 int[] c, int cOff, int ldc) {
            if (this == S8U8) {
                kernels.gemmS8U8(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            } else {
                kernels.gemmU8S8(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            }
        }

        /** The naive loop for this entry point. */
        void reference(int m, int n, int k, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb,
                       int[] c, int cOff, int ldc) {
            gemm(aSigned, bSigned, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }
    }

    /** C[i][j] = sum_p A[i][p] * B[p][j], with each operand read as int8 or uint8; C's other elements untouched. */
    static void gemm(boolean aSigned, boolean bSigned, int m, int n, int k, byte[] a, int aOff, int lda,
                     byte[] b, int bOff, int ldb, int[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int s = 0;
                for (int p = 0; p < k; p++) {
                    byte x = a[aOff + i * lda + p];
                    byte w = b[bOff + p * ldb + j];
                    s += (aSigned ? x : Byte.toUnsignedInt(x)) * (bSigned ? w : Byte.toUnsignedInt(w));
                }
                c[cOff + i * ldc + j] = s;
            }
        }
    }

    /** The requantization rule per element; {@code perRow} picks offset and multiplier by row, else by column. */
    static void requantize(boolean perRow, int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult,
                           int zp, int lo, int hi, byte[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int q = perRow ? r : j;
                int x = acc[accOff + r * cols + j] + offset[q];
                y[yOff + r * cols + j] = (byte) Requantizer.requantize(x, mult[q], zp, lo, hi);
            }
        }
    }
}
