package org.quantlake.core.kernels;

import java.util.Arrays;

/**
 * The blocked plain-Java int8 GEMM behind {@link DefaultInt8Kernels}, shaped like the float {@link DefaultGemm}: B is
 * cut into {@code KB x NB} blocks widened to int32 into zero-based per-row scratch arrays, and four rows of C are
 * updated together, so the inner loop is {@code t[j] += x * bRow[j]} on int arrays indexed by plain {@code j}.
 *
 * <p>That loop is the only shape C2 (JDK 17) vectorises: it will not vectorise a loop mixing byte loads with int
 * arithmetic, nor one whose arrays use different offsets. Widening once per block costs {@code k x n} scalar
 * conversions against {@code m x k x n} vectorised multiply-adds. Integer sums are exact, so, unlike the float
 * GEMM, the order of summation cannot change a single bit of the result.
 */
final class DefaultInt8Gemm {

    /** Rows of C per tile: each loaded value of B feeds four multiply-adds (as the float GEMM measured best). */
    private static final int TILE_ROWS = 4;
    /** Rows of B per block (the K step); with {@link #NB} the widened block is 256 KiB, inside L2. */
    private static final int KB = 256;
    /** Columns of B per block (the N step). */
    private static final int NB = 256;
    /**
     * Outputs narrower than this (and taller than wide) are computed transposed: C2's vector loop needs about 80
     * iterations before it runs at all, so rows of 49 outputs (late convolutions) would stay scalar.
     */
    private static final int TRANSPOSE_BELOW_N = 256;

    /** Per-thread scratch: B's widened block as zero-based rows, and the C tile's zero-based accumulator rows. */
    private static final class Scratch {
        final int[][] bRows = new int[KB][NB];
        final int[] t0 = new int[NB];
        final int[] t1 = new int[NB];
        final int[] t2 = new int[NB];
        final int[] t3 = new int[NB];
    }

    // Spark runs several tasks per executor JVM, so scratch must be per thread, never shared.
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private DefaultInt8Gemm() {
    }

    /** C = (A & aMask) (B & bMask), C overwritten; arguments already checked and m, n, k > 0. */
    static void gemm(int m, int n, int k,
                     byte[] a, int aOff, int lda, int aMask,
                     byte[] b, int bOff, int ldb, int bMask,
                     int[] c, int cOff, int ldc) {
        if (n < TRANSPOSE_BELOW_N && m > n) {
            // C^T[j][i] = sum_p B^T[j][p] A^T[p][i]: B^T's element (j, p) is b[bOff + p * ldb + j], and so on.
            blocked(n, m, k, b, bOff, 1, ldb, bMask, a, aOff, 1, lda, aMask, c, cOff, 1, ldc);
        } else {
            blocked(m, n, k, a, aOff, lda, 1, aMask, b, bOff, ldb, 1, bMask, c, cOff, ldc, 1);
        }
    }

    /** C = A B with X[r][s] at {@code x[xOff + r * xRs + s * xCs]}; the strides cost scalar work per block only. */
    private static void blocked(int m, int n, int k,
                                byte[] a, int aOff, int aRs, int aCs, int aMask,
                                byte[] b, int bOff, int bRs, int bCs, int bMask,
                                int[] c, int cOff, int cRs, int cCs) {
        Scratch s = SCRATCH.get();
        for (int jc = 0; jc < n; jc += NB) {
            int nb = Math.min(NB, n - jc);
            for (int pc = 0; pc < k; pc += KB) {
                int kb = Math.min(KB, k - pc);
                for (int p = 0; p < kb; p++) {
                    widenRow(b, bOff + (pc + p) * bRs + jc * bCs, bCs, bMask, s.bRows[p], nb);
                }
                boolean add = pc > 0;
                int i = 0;
                for (; i + TILE_ROWS <= m; i += TILE_ROWS) {
                    tile4(a, aOff + i * aRs + pc * aCs, aRs, aCs, aMask, s, kb, nb);
                    int ci = cOff + i * cRs + jc * cCs;
                    writeBack(s.t0, c, ci, cCs, nb, add);
                    writeBack(s.t1, c, ci + cRs, cCs, nb, add);
                    writeBack(s.t2, c, ci + 2 * cRs, cCs, nb, add);
                    writeBack(s.t3, c, ci + 3 * cRs, cCs, nb, add);
                }
                for (; i < m; i++) {
                    tile1(a, aOff + i * aRs + pc * aCs, aCs, aMask, s, kb, nb);
                    writeBack(s.t0, c, cOff + i * cRs + jc * cCs, cCs, nb, add);
                }
            }
        }
    }

    /** dst[0, len) = x[from + j * stride] & mask for j < len. */
    private static void widenRow(byte[] x, int from, int stride, int mask, int[] dst, int len) {
        for (int j = 0, q = from; j < len; j++, q += stride) {
            dst[j] = x[q] & mask;
        }
    }

    /** t0..t3[0, nb) = four rows of A (row r at a0 + r aRs, kb values aCs apart) times the block in scratch. */
    private static void tile4(byte[] a, int a0, int aRs, int aCs, int aMask, Scratch s, int kb, int nb) {
        int[] t0 = s.t0, t1 = s.t1, t2 = s.t2, t3 = s.t3;
        Arrays.fill(t0, 0, nb, 0);
        Arrays.fill(t1, 0, nb, 0);
        Arrays.fill(t2, 0, nb, 0);
        Arrays.fill(t3, 0, nb, 0);
        int a1 = a0 + aRs, a2 = a1 + aRs, a3 = a2 + aRs;
        for (int p = 0, q = 0; p < kb; p++, q += aCs) {
            int x0 = a[a0 + q] & aMask, x1 = a[a1 + q] & aMask, x2 = a[a2 + q] & aMask, x3 = a[a3 + q] & aMask;
            int[] br = s.bRows[p];
            for (int j = 0; j < nb; j++) {
                int bj = br[j];
                t0[j] += x0 * bj;
                t1[j] += x1 * bj;
                t2[j] += x2 * bj;
                t3[j] += x3 * bj;
            }
        }
    }

    /** t0[0, nb) = one row of A (kb values at a0, aCs apart) times the block in scratch. */
    private static void tile1(byte[] a, int a0, int aCs, int aMask, Scratch s, int kb, int nb) {
        int[] t0 = s.t0;
        Arrays.fill(t0, 0, nb, 0);
        for (int p = 0, q = 0; p < kb; p++, q += aCs) {
            int x0 = a[a0 + q] & aMask;
            int[] br = s.bRows[p];
            for (int j = 0; j < nb; j++) {
                t0[j] += x0 * br[j];
            }
        }
    }

    /** c[ci + j * stride] = (add ? c[...] : 0) + t[j] for j < nb. */
    private static void writeBack(int[] t, int[] c, int ci, int stride, int nb, boolean add) {
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
