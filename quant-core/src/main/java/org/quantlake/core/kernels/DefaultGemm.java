package org.quantlake.core.kernels;

import java.util.Arrays;

/**
 * The blocked plain-Java GEMM behind {@link DefaultFloatKernels}: B is cut into {@code KB x NB} blocks copied into
 * per-row scratch arrays (kept in L2 and reused by every row tile), and four rows of C are updated together so each
 * loaded value of B feeds four multiply-adds.
 *
 * <p>C2 vectorises the inner loop over a row of the block, but its vector loop needs about 64 + 16 iterations
 * before it runs at all (alignment pre-loop, 4x unrolled body), so narrow outputs (few columns, many rows, as in
 * early convolutions) are computed transposed, {@code C^T = B^T A^T}, which turns their long side into the rows.
 * Matrices are therefore addressed through a row stride and a column stride.
 */
final class DefaultGemm {

    /** Rows of C per tile. Four vectorises; eight made C2 give up on the loop (measured 49 vs 11 GFLOP/s). */
    private static final int TILE_ROWS = 4;
    /** Rows of B per block (the K step); with {@link #NB} the block is 256 KiB, well inside L2. */
    private static final int KB = 256;
    /** Columns of B per block (the N step). */
    private static final int NB = 256;
    /** Outputs narrower than this (and taller than wide) are computed transposed. */
    private static final int TRANSPOSE_BELOW_N = 256;

    /** Per-thread scratch: B's block as zero-based rows, and the C tile's zero-based accumulator rows. */
    private static final class Scratch {
        final float[][] bRows = new float[KB][NB];
        final float[] t0 = new float[NB];
        final float[] t1 = new float[NB];
        final float[] t2 = new float[NB];
        final float[] t3 = new float[NB];
    }

    // Spark runs several tasks per executor JVM, so scratch must be per thread, never shared.
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private DefaultGemm() {
    }

    /** Same contract as {@link FloatKernels#gemm}, arguments already checked and m, n, k > 0. */
    static void gemm(int m, int n, int k,
                     float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc,
                     boolean accumulate) {
        if (n < TRANSPOSE_BELOW_N && m > n) {
            // C^T[j][i] = sum_p B^T[j][p] A^T[p][i]: B^T's element (j, p) is b[bOff + p * ldb + j], and so on.
            blocked(n, m, k, b, bOff, 1, ldb, a, aOff, 1, lda, c, cOff, 1, ldc, accumulate);
        } else {
            blocked(m, n, k, a, aOff, lda, 1, b, bOff, ldb, 1, c, cOff, ldc, 1, accumulate);
        }
    }

    /**
     * C = (accumulate ? C : 0) + A B with X[r][s] at {@code x[xOff + r * xRs + s * xCs]}. The inner loops only
     * touch zero-based scratch rows, so the strides cost scalar work per block, not per multiply-add.
     */
    private static void blocked(int m, int n, int k,
                                float[] a, int aOff, int aRs, int aCs,
                                float[] b, int bOff, int bRs, int bCs,
                                float[] c, int cOff, int cRs, int cCs,
                                boolean accumulate) {
        Scratch s = SCRATCH.get();
        for (int jc = 0; jc < n; jc += NB) {
            int nb = Math.min(NB, n - jc);
            for (int pc = 0; pc < k; pc += KB) {
                int kb = Math.min(KB, k - pc);
                for (int p = 0; p < kb; p++) {
                    copyRow(b, bOff + (pc + p) * bRs + jc * bCs, bCs, s.bRows[p], nb);
                }
                boolean add = accumulate || pc > 0;
                int i = 0;
                for (; i + TILE_ROWS <= m; i += TILE_ROWS) {
                    tile4(a, aOff + i * aRs + pc * aCs, aRs, aCs, s, kb, nb);
                    int ci = cOff + i * cRs + jc * cCs;
                    writeBack(s.t0, c, ci, cCs, nb, add);
                    writeBack(s.t1, c, ci + cRs, cCs, nb, add);
                    writeBack(s.t2, c, ci + 2 * cRs, cCs, nb, add);
                    writeBack(s.t3, c, ci + 3 * cRs, cCs, nb, add);
                }
                for (; i < m; i++) {
                    tile1(a, aOff + i * aRs + pc * aCs, aCs, s, kb, nb);
                    writeBack(s.t0, c, cOff + i * cRs + jc * cCs, cCs, nb, add);
                }
            }
        }
    }

    /** dst[0, len) = x[from + j * stride] for j < len. */
    private static void copyRow(float[] x, int from, int stride, float[] dst, int len) {
        if (stride == 1) {
            System.arraycopy(x, from, dst, 0, len);
        } else {
            for (int j = 0; j < len; j++) {
                dst[j] = x[from + j * stride];
            }
        }
    }

    /** t0..t3[0, nb) = four rows of A (row r at a0 + r aRs, kb values aCs apart) times the block in scratch. */
    private static void tile4(float[] a, int a0, int aRs, int aCs, Scratch s, int kb, int nb) {
        float[] t0 = s.t0, t1 = s.t1, t2 = s.t2, t3 = s.t3;
        Arrays.fill(t0, 0, nb, 0f);
        Arrays.fill(t1, 0, nb, 0f);
        Arrays.fill(t2, 0, nb, 0f);
        Arrays.fill(t3, 0, nb, 0f);
        int a1 = a0 + aRs, a2 = a1 + aRs, a3 = a2 + aRs;
        for (int p = 0, q = 0; p < kb; p++, q += aCs) {
            float x0 = a[a0 + q], x1 = a[a1 + q], x2 = a[a2 + q], x3 = a[a3 + q];
            float[] br = s.bRows[p];
            for (int j = 0; j < nb; j++) {
                float bj = br[j];
                t0[j] += x0 * bj;
                t1[j] += x1 * bj;
                t2[j] += x2 * bj;
                t3[j] += x3 * bj;
            }
        }
    }

    /** t0[0, nb) = one row of A (kb values at a0, aCs apart) times the block in scratch. */
    private static void tile1(float[] a, int a0, int aCs, Scratch s, int kb, int nb) {
        float[] t0 = s.t0;
        Arrays.fill(t0, 0, nb, 0f);
        for (int p = 0, q = 0; p < kb; p++, q += aCs) {
            float x0 = a[a0 + q];
            float[] br = s.bRows[p];
            for (int j = 0; j < nb; j++) {
                t0[j] += x0 * br[j];
            }
        }
    }

    /** c[ci + j * stride] = (add ? c[...] : 0) + t[j] for j < nb. */
    private static void writeBack(float[] t, float[] c, int ci, int stride, int nb, boolean add) {
        if (stride != 1) {
            for (int j = 0, x = ci; j < nb; j++, x += stride) {
                c[x] = add ? c[x] + t[j] : t[j];
            }
        } else if (add) {
            for (int j = 0; j < nb; j++) {
                c[ci + j] += t[j];
            }
        } else {
            System.arraycopy(t, 0, c, ci, nb);
        }
    }
}
