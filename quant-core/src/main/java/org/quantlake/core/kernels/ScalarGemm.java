package org.quantlake.core.kernels;

/**
 * The plain row-by-row GEMM loop, for shapes too small to repay blocking or packing (a few hundred multiply-adds):
 * no scratch buffers, no set-up, one pass.
 */
final class ScalarGemm {

    /** Below this many multiply-adds the blocked kernels' set-up costs more than it saves. */
    static final long SMALL_WORK = 4096;

    private ScalarGemm() {
    }

    /** Same contract as {@link FloatKernels#gemm}, arguments already checked. */
    static void gemm(int m, int n, int k,
                     float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc,
                     boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            }
            int ai = aOff + i * lda;
            for (int p = 0; p < k; p++) {
                float aip = a[ai + p];
                int bi = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += aip * b[bi + j];
                }
            }
        }
    }
}
