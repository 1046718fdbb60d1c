package org.quantlake.core.kernels;

import java.util.Arrays;

/**
 * The blocked plain-Java GEMM behind {@link DefaultFloatKernels}: B is cut into {@code KB x NB} blocks copied into
 * per-row scratch arrays (kept in L2 and reused by every row tile), and four rows of C are updated together so each
 * loaded value of B feeds four multiply-adds.
 */
final class DefaultGemm {

    /** Rows of C per tile. Four vectorises; eight made C2 give up on the loop (measured 49 vs 11 GFLOP/s). */
    private static final int TILE_ROWS = 4;
    /** Rows of B per block (the K step); with {@link #NB} the block is 256 KiB, well inside L2. */
    private static final int KB = 256;
    /** Columns of B per block (the N step). */
    private static final int NB = 256;

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
        Scratch s = SCRATCH.get();
        for (int jc = 0; jc < n; jc += NB) {
            int nb = Math.min(NB, n - jc);
            for (int pc = 0; pc < k; pc += KB) {
                int kb = Math.min(KB, k - pc);
                for (int p = 0; p < kb; p++) {
                    System.arraycopy(b, bOff + (pc + p) * ldb + jc, s.bRows[p], 0, nb);
                }
                boolean add = accumulate || pc > 0;
                int i = 0;
                for (; i + TILE_ROWS <= m; i += TILE_ROWS) {
                    tile4(a, aOff + i * lda + pc, lda, s, kb, nb);
                    int ci = cOff + i * ldc + jc;
                    writeBack(s.t0, c, ci, nb, add);
                    writeBack(s.t1, c, ci + ldc, nb, add);
                    writeBack(s.t2, c, ci + 2 * ldc, nb, add);
                    writeBack(s.t3, c, ci + 3 * ldc, nb, add);
                }
                for (; i < m; i++) {
                    tile1(a, aOff + i * lda + pc, s, kb, nb);
                    writeBack(s.t0, c, cOff + i * ldc + jc, nb, add);
                }
            }
        }
    }

    /** t0..t3[0, nb) = rows a0 .. a0 + 3 lda of A (kb values each) times the kb x nb block in {@code s.bRows}. */
    private static void tile4(float[] a, int a0, int lda, Scratch s, int kb, int nb) {
        float[] t0 = s.t0, t1 = s.t1, t2 = s.t2, t3 = s.t3;
        Arrays.fill(t0, 0, nb, 0f);
        Arrays.fill(t1, 0, nb, 0f);
        Arrays.fill(t2, 0, nb, 0f);
        Arrays.fill(t3, 0, nb, 0f);
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < kb; p++) {
            float x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
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

    /** t0[0, nb) = one row of A (kb values at a0) times the block in {@code s.bRows}. */
    private static void tile1(float[] a, int a0, Scratch s, int kb, int nb) {
        float[] t0 = s.t0;
        Arrays.fill(t0, 0, nb, 0f);
        for (int p = 0; p < kb; p++) {
            float x0 = a[a0 + p];
            float[] br = s.bRows[p];
            for (int j = 0; j < nb; j++) {
                t0[j] += x0 * br[j];
            }
        }
    }

    /** c[ci, ci + nb) = (add ? c : 0) + t[0, nb). */
    private static void writeBack(float[] t, float[] c, int ci, int nb, boolean add) {
        if (add) {
            for (int j = 0; j < nb; j++) {
                c[ci + j] += t[j];
            }
        } else {
            System.arraycopy(t, 0, c, ci, nb);
        }
    }
}
