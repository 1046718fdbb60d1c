package org.quantlake.core.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cache-blocked int8 GEMM: the float {@link PanamaBlockedGemm}'s 8 x 2-vector register tile, loop order and block
 * sizes, run on operands that packing widens from bytes (each with its own signedness) to float32, with the int32
 * results assembled outside the micro-kernel.
 *
 * <p>Exact, not approximate: every product is an integer of magnitude at most 128 x 255 = 32,640, so within one K
 * block of {@link #KC} = 512 products every partial sum, in any order and with or without fused multiply-add, is
 * an integer of magnitude at most 16,711,680 < 2^24, which float32 represents exactly: no operation rounds. Each
 * block's tile converts to int32 exactly and blocks are summed in int32, which wraps as the plain-Java reference
 * does. Hence the results equal {@link DefaultInt8Kernels} bit for bit. KC must stay at most 514.
 *
 * <p>Why float and not int32 multiply-adds: the Vector API has no int8 or int16 dot product (VNNI
 * {@code vpdpbusd}, {@code vpmaddwd}), so int32 needs a multiply and an add per lane where float needs one FMA.
 * An int32 version of this kernel ran at the same speed when C2 compiled it well (about 150 GOP/s on
 * 64 x 3136 x 576, Zen 5, JDK 17), but in roughly one JVM start in five it ran at 2-12 GOP/s: its multiply and
 * add share one polymorphic library call during warm-up, whose class-check traps, recorded in the incubator
 * module's shared profile, later stopped C2 from binding the calls on the loop-carried accumulators, which it then
 * boxed. The FMA-only kernel, like the float GEMM's, showed no such mode in the same trials.
 *
 * <p>Tails need no masks: packed panels are zero-padded to whole tiles and only valid rows and columns are written.
 */
final class PanamaInt8BlockedGemm {

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = I.length();
    /** Bytes that widen to one int vector. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));

    /** Rows per register tile: 8 x 2 = 16 accumulators plus 3 working registers fits AVX-512's 32. */
    static final int MR = 8;
    /** Columns per register tile (two vectors): 32 on AVX-512. */
    static final int NR = 2 * L;
    /**
     * K block, as deep as exactness allows ({@code KC x 32,640 < 2^24}, see the class comment): fewer blocks mean
     * fewer int32 write-backs and packing passes. Against 256, a JMH A/B run measured 1.00-1.26x per benchmark
     * layer (none slower), although a {@code KC x NR} panel of B (64 KiB on AVX-512) exceeds Zen 5's 48 KiB L1.
     */
    private static final int KC = 512;
    /** M block: the packed {@code MC x KC} block of A (192 KiB) stays in L2 across the column panels. */
    private static final int MC = 96;
    /** N block: the packed {@code KC x NC} block of B (1 MiB) stays in L2 (2 MiB on Zen 5) across the row tiles. */
    private static final int NC = 512;

    /** Per-thread scratch: packed panels of B and of A (grown on demand), and one output tile. */
    private static final class Scratch {
        float[] bPanels = new float[0];
        float[] aPanels = new float[0];
        final float[] tile = new float[MR * NR];
    }

    // Spark runs several tasks per executor JVM, so scratch must be per thread, never shared.
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PanamaInt8BlockedGemm() {
    }

    /** C = (A & aMask) (B & bMask), C overwritten; arguments already checked and m, n, k > 0. */
    static void gemm(int m, int n, int k,
                     byte[] a, int aOff, int lda, int aMask,
                     byte[] b, int bOff, int ldb, int bMask,
                     int[] c, int cOff, int ldc) {
        Scratch s = SCRATCH.get();
        int kcMax = Math.min(KC, k);
        int bNeed = kcMax * roundUp(Math.min(NC, n), NR);
        int aNeed = kcMax * roundUp(Math.min(MC, m), MR);
        if (s.bPanels.length < bNeed) {
            s.bPanels = new float[bNeed];
        }
        if (s.aPanels.length < aNeed) {
            s.aPanels = new float[aNeed];
        }
        float[] bp = s.bPanels;
        float[] ap = s.aPanels;
        float[] tile = s.tile;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(b, bOff + pc * ldb + jc, ldb, bMask, kc, nc, bp);
                boolean add = pc > 0;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(a, aOff + ic * lda + pc, lda, aMask, mc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int cols = Math.min(NR, nc - jr);
                        int bo = jr * kc; // panel jr / NR starts at (jr / NR) * kc * NR
                        for (int ir = 0; ir < mc; ir += MR) {
                            int rows = Math.min(MR, mc - ir);
                            kernel(ap, ir * kc, bp, bo, kc, tile);
                            writeTile(tile, c, cOff + (ic + ir) * ldc + jc + jr, ldc, rows, cols, add);
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
     * Widens the {@code kc x nc} block at {@code src} (row stride ldb) into consecutive {@code kc x NR} panels,
     * zero-padding the last. Walks B row by row so reads are sequential.
     */
    private static void packB(byte[] b, int src, int ldb, int mask, int kc, int nc, float[] dst) {
        int fullEnd = nc - nc % NR;
        int panelSize = kc * NR;
        for (int p = 0; p < kc; p++) {
            int row = src + p * ldb;
            int d = p * NR;
            for (int j = 0; j < fullEnd; j += NR, d += panelSize) {
                widen(b, row + j, mask).intoArray(dst, d);
                widen(b, row + j + L, mask).intoArray(dst, d + L);
            }
            if (fullEnd < nc) {
                int w = nc - fullEnd;
                for (int j = 0; j < w; j++) {
                    dst[d + j] = b[row + fullEnd + j] & mask;
                }
                java.util.Arrays.fill(dst, d + w, d + NR, 0f);
            }
        }
    }

    /** The L bytes at {@code b[from]}, widened (sign extension, then & mask) and converted to float, exactly. */
    private static FloatVector widen(byte[] b, int from, int mask) {
        IntVector v = ((IntVector) ByteVector.fromArray(B, b, from).convertShape(VectorOperators.B2I, I, 0)).and(mask);
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    /**
     * Widens the {@code mc x kc} block at {@code src} (row stride lda) into {@code kc x MR} row tiles: tile t holds
     * A[t MR + r][p] at {@code t * kc * MR + p * MR + r}, so the micro-kernel's broadcasts read consecutive floats.
     * Rows past mc are zero.
     */
    private static void packA(byte[] a, int src, int lda, int mask, int mc, int kc, float[] dst) {
        for (int ir = 0; ir < mc; ir += MR) {
            int base = ir * kc;
            int rows = Math.min(MR, mc - ir);
            for (int r = 0; r < MR; r++) {
                if (r < rows) {
                    int row = src + (ir + r) * lda;
                    for (int p = 0, d = base + r; p < kc; p++, d += MR) {
                        dst[d] = a[row + p] & mask; // int to float: exact below 2^24
                    }
                } else {
                    for (int p = 0, d = base + r; p < kc; p++, d += MR) {
                        dst[d] = 0f;
                    }
                }
            }
        }
    }

    /**
     * tile[r * NR + j] = sum over p < kc of Ap[ao + p MR + r] * Bp[bo + p NR + j], exactly (kc <= KC). One method
     * with every vector local to it: a helper taking or returning vectors that C2 does not inline allocates them
     * in the loop.
     */
    private static void kernel(float[] ap, int ao, float[] bp, int bo, int kc, float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, ao += MR, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bo);
            FloatVector b1 = FloatVector.fromArray(F, bp, bo + L);
            FloatVector x = FloatVector.broadcast(F, ap[ao]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(F, ap[ao + 1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(F, ap[ao + 2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(F, ap[ao + 3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(F, ap[ao + 4]);
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(F, ap[ao + 5]);
            c50 = b0.fma(x, c50);
            c51 = b1.fma(x, c51);
            x = FloatVector.broadcast(F, ap[ao + 6]);
            c60 = b0.fma(x, c60);
            c61 = b1.fma(x, c61);
            x = FloatVector.broadcast(F, ap[ao + 7]);
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

    /**
     * C[r][0, cols) = (add ? C[r][0, cols) : 0) + tile row r, for r < rows; C row r at {@code co + r * ldc}. The
     * tile holds integers below 2^24, so {@code (int)} is exact. Scalar: JDK 17 compiles no vector float-to-int
     * conversion, and this costs one conversion per KC multiply-adds.
     */
    private static void writeTile(float[] tile, int[] c, int co, int ldc, int rows, int cols, boolean add) {
        for (int r = 0, t = 0; r < rows; r++, co += ldc, t += NR) {
            if (add) {
                for (int j = 0; j < cols; j++) {
                    c[co + j] += (int) tile[t + j];
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    c[co + j] = (int) tile[t + j];
                }
            }
        }
    }
}
