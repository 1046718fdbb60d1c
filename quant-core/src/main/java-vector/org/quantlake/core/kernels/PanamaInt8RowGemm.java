package org.quantlake.core.kernels;

import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * int8 GEMM for very few rows of A (batch-1 fully connected layers), as the float {@link PanamaRowGemm}: each row of
 * C stays in L1 while rows of B stream past in order, four at a time, widened from bytes as they are read. Nothing
 * is packed: with one row of A there is nothing to amortise a copy over, and reading B as bytes moves a quarter of
 * the float kernel's memory traffic.
 */
final class PanamaInt8RowGemm {

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = I.length();
    /** Bytes that widen to one int vector. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));

    /** Bytes of B per K block (256 KiB): each of the few rows re-reads the block from L2, not memory. */
    private static final int BLOCK_BYTES = 1 << 18;

    private PanamaInt8RowGemm() {
    }

    /** C = (A & aMask) (B & bMask), C overwritten; arguments already checked and m, n, k > 0. */
    static void gemm(int m, int n, int k,
                     byte[] a, int aOff, int lda, int aMask,
                     byte[] b, int bOff, int ldb, int bMask,
                     int[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0);
        }
        // A multiple of 4 rows, so only the last block has a remainder for row().
        int kb = Math.max(4, Math.min(1024, BLOCK_BYTES / n) & ~3);
        for (int pc = 0; pc < k; pc += kb) {
            int kEnd = Math.min(k, pc + kb);
            for (int i = 0; i < m; i++) {
                row(a, aOff + i * lda, aMask, b, bOff, ldb, bMask, c, cOff + i * ldc, n, pc, kEnd);
            }
        }
    }

    /**
     * c[co, co + n) += sum over p in [p0, p1) of (a[ao + p] & aMask) * (B[p][0, n) & bMask). Freshly widened
     * vectors are the receivers of each chain (see {@link PanamaInt8BlockedGemm}'s kernel for why).
     */
    private static void row(byte[] a, int ao, int aMask, byte[] b, int bOff, int ldb, int bMask,
                            int[] c, int co, int n, int p0, int p1) {
        int nv = I.loopBound(n);
        int p = p0;
        for (; p + 4 <= p1; p += 4) {
            int s0 = a[ao + p] & aMask, s1 = a[ao + p + 1] & aMask;
            int s2 = a[ao + p + 2] & aMask, s3 = a[ao + p + 3] & aMask;
            IntVector x0 = IntVector.broadcast(I, s0), x1 = IntVector.broadcast(I, s1);
            IntVector x2 = IntVector.broadcast(I, s2), x3 = IntVector.broadcast(I, s3);
            int r0 = bOff + p * ldb, r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
            for (int j = 0; j < nv; j += L) {
                IntVector acc = IntVector.fromArray(I, c, co + j);
                acc = widen(b, r0 + j, bMask).mul(x0).add(acc);
                acc = widen(b, r1 + j, bMask).mul(x1).add(acc);
                acc = widen(b, r2 + j, bMask).mul(x2).add(acc);
                acc = widen(b, r3 + j, bMask).mul(x3).add(acc);
                acc.intoArray(c, co + j);
            }
            for (int j = nv; j < n; j++) {
                c[co + j] += s0 * (b[r0 + j] & bMask) + s1 * (b[r1 + j] & bMask)
                        + s2 * (b[r2 + j] & bMask) + s3 * (b[r3 + j] & bMask);
            }
        }
        for (; p < p1; p++) {
            int s0 = a[ao + p] & aMask;
            IntVector x0 = IntVector.broadcast(I, s0);
            int r0 = bOff + p * ldb;
            for (int j = 0; j < nv; j += L) {
                widen(b, r0 + j, bMask).mul(x0).add(IntVector.fromArray(I, c, co + j)).intoArray(c, co + j);
            }
            for (int j = nv; j < n; j++) {
                c[co + j] += s0 * (b[r0 + j] & bMask);
            }
        }
    }

    /** The L bytes at {@code b[from]}, widened to int32 and masked (sign extension, then & mask). */
    private static IntVector widen(byte[] b, int from, int mask) {
        return ((IntVector) ByteVector.fromArray(B, b, from).convertShape(VectorOperators.B2I, I, 0)).and(mask);
    }
}
