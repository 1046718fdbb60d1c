package org.quantlake.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cache-blocked GEMM around an 8 x 2-vector register-tile micro-kernel (Goto/BLIS loop order: N block, K block,
 * M block, column panel, row tile). Each micro-kernel call keeps 16 accumulators in registers over a K block,
 * broadcasting one value of A per row and loading two vectors of B per step.
 *
 * <p>Tails are handled without masks: a partial column panel is zero-padded when packed, the kernel always computes
 * full tiles into a small scratch tile, and only the valid rows and columns are written back (scalar for a partial
 * panel). A partial row tile repeats its last row of A instead of reading past the view.
 */
final class PanamaBlockedGemm {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    /**
     * Rows per register tile. 8 rows x 2 vectors = 16 accumulators plus 3 working registers fits AVX-512's 32
     * registers. Larger tiles (4x4, 6x3; 12x2 with masked stores) dropped to about 1 GFLOP/s on JDK 17, consistent
     * with C2 no longer intrinsifying a kernel that big. On 16-register targets (AVX2) some accumulators spill:
     * 1.2-2.6x plain Java there (forced with -XX:UseAVX=2), against 2.4-8.6x with AVX-512.
     */
    static final int MR = 8;
    /** Columns per register tile (two vectors): 32 floats on AVX-512, which divides typical channel counts. */
    static final int NR = 2 * L;
    /** K block: a packed {@code KC x NR} panel (32 KiB on AVX-512) stays in L1 while the row tiles stream by. */
    private static final int KC = 256;
    /** M block: {@code MC x KC} of A (96 KiB) stays in L2 across the column panels. A multiple of {@link #MR}. */
    private static final int MC = 96;
    /** N block: the packed {@code KC x NC} block of B is 512 KiB, inside L2. A multiple of NR for 4..16 lanes. */
    private static final int NC = 512;

    /** Per-thread scratch: the packed panels of B (grown on demand) and one output tile. */
    private static final class Scratch {
        float[] panels = new float[0];
        final float[] tile = new float[MR * NR];
    }

    // Spark runs several tasks per executor JVM, so scratch must be per thread, never shared.
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PanamaBlockedGemm() {
    }

    /**
     * Same contract as {@link FloatKernels#gemm}, arguments already checked and m, n, k > 0. With {@code pack} every
     * panel of B is copied into scratch; without, full panels are read in place and only the last partial panel
     * is copied (for its zero padding).
     */
    static void gemm(int m, int n, int k,
                     float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc,
                     boolean accumulate, boolean pack) {
        Scratch s = SCRATCH.get();
        int kcMax = Math.min(KC, k);
        int need = kcMax * roundUp(Math.min(NC, n), NR);
        if (s.panels.length < need) {
            s.panels = new float[need];
        }
        float[] panels = s.panels;
        float[] tile = s.tile;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int inPlace = pack ? 0 : nc - nc % NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                int bBlock = bOff + pc * ldb + jc;
                packPanels(b, bBlock, ldb, kc, inPlace, nc, panels);
                boolean add = accumulate || pc > 0;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    for (int jr = 0; jr < nc; jr += NR) {
                        float[] bp;
                        int bo;
                        int bs;
                        if (jr < inPlace) {
                            bp = b;
                            bo = bBlock + jr;
                            bs = ldb;
                        } else {
                            bp = panels;
                            bo = (jr - inPlace) * kc; // panel index (jr - inPlace) / NR times panel size kc * NR
                            bs = NR;
                        }
                        int cols = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int i = ic + ir;
                            int rows = Math.min(MR, m - i);
                            kernel(a, aOff + i * lda + pc, lda, rows, bp, bo, bs, kc, tile);
                            writeTile(tile, c, cOff + i * ldc + jc + jr, ldc, rows, cols, add);
                        }
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }

    /**
     * Copies columns [from, nc) of the {@code kc x nc} block at {@code src} (row stride ldb) into consecutive
     * {@code kc x NR} panels, zero-padding the last. Walks B row by row so reads are sequential.
     */
    private static void packPanels(float[] b, int src, int ldb, int kc, int from, int nc, float[] dst) {
        if (from == nc) {
            return;
        }
        int fullEnd = from + (nc - from) / NR * NR;
        int panelSize = kc * NR;
        for (int p = 0; p < kc; p++) {
            int row = src + p * ldb;
            int d = p * NR;
            for (int j = from; j < fullEnd; j += NR, d += panelSize) {
                FloatVector.fromArray(F, b, row + j).intoArray(dst, d);
                FloatVector.fromArray(F, b, row + j + L).intoArray(dst, d + L);
            }
            if (fullEnd < nc) {
                int w = nc - fullEnd;
                System.arraycopy(b, row + fullEnd, dst, d, w);
                java.util.Arrays.fill(dst, d + w, d + NR, 0f);
            }
        }
    }

    /**
     * tile[r * NR + j] = sum over p < kc of A[r][p] * B[p][j] for r < MR, j < NR, where A's row r starts at
     * {@code a0 + min(r, rows - 1) * lda} and B's row p at {@code bo + p * bs}. One method with every vector local
     * to it: a helper taking or returning vectors that C2 does not inline allocates them in the loop.
     */
    private static void kernel(float[] a, int a0, int lda, int rows, float[] b, int bo, int bs, int kc,
                               float[] tile) {
        int last = rows - 1;
        int a1 = a0 + Math.min(1, last) * lda;
        int a2 = a0 + Math.min(2, last) * lda;
        int a3 = a0 + Math.min(3, last) * lda;
        int a4 = a0 + Math.min(4, last) * lda;
        int a5 = a0 + Math.min(5, last) * lda;
        int a6 = a0 + Math.min(6, last) * lda;
        int a7 = a0 + Math.min(7, last) * lda;
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, bo += bs) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
            FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(F, a[a1 + p]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(F, a[a2 + p]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(F, a[a3 + p]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(F, a[a4 + p]);
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(F, a[a5 + p]);
            c50 = b0.fma(x, c50);
            c51 = b1.fma(x, c51);
            x = FloatVector.broadcast(F, a[a6 + p]);
            c60 = b0.fma(x, c60);
            c61 = b1.fma(x, c61);
            x = FloatVector.broadcast(F, a[a7 + p]);
            c70 = b0.fma(x, c70);
            c71 = b1.fma(x, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, 2 * L);
        c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L);
        c21.intoArray(tile, 5 * L);
        c30.intoArray(tile, 6 * L);
        c31.intoArray(tile, 7 * L);
        c40.intoArray(tile, 8 * L);
        c41.intoArray(tile, 9 * L);
        c50.intoArray(tile, 10 * L);
        c51.intoArray(tile, 11 * L);
        c60.intoArray(tile, 12 * L);
        c61.intoArray(tile, 13 * L);
        c70.intoArray(tile, 14 * L);
        c71.intoArray(tile, 15 * L);
    }

    /** C[r][0, cols) = (add ? C[r][0, cols) : 0) + tile row r, for r < rows; C row r at {@code co + r * ldc}. */
    private static void writeTile(float[] tile, float[] c, int co, int ldc, int rows, int cols, boolean add) {
        if (cols == NR) {
            for (int r = 0, t = 0; r < rows; r++, co += ldc, t += NR) {
                FloatVector v0 = FloatVector.fromArray(F, tile, t);
                FloatVector v1 = FloatVector.fromArray(F, tile, t + L);
                if (add) {
                    v0 = v0.add(FloatVector.fromArray(F, c, co));
                    v1 = v1.add(FloatVector.fromArray(F, c, co + L));
                }
                v0.intoArray(c, co);
                v1.intoArray(c, co + L);
            }
        } else {
            for (int r = 0, t = 0; r < rows; r++, co += ldc, t += NR) {
                for (int j = 0; j < cols; j++) {
                    c[co + j] = add ? c[co + j] + tile[t + j] : tile[t + j];
                }
            }
        }
    }
}
