package org.quantlake.core.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM for very few rows of A (batch-1 fully connected layers): each row of C stays in L1 while rows of B stream
 * past in order, four at a time, so B is read sequentially (prefetcher-friendly) and C is loaded and stored once
 * per four multiply-adds. Nothing is packed: with one row of A there is nothing to amortise a copy over.
 */
final class PanamaRowGemm {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    /** Floats of B per K block (256 KiB): each of the few rows re-reads the block from L2, not memory. */
    private static final int BLOCK_FLOATS = 1 << 16;

    private PanamaRowGemm() {
    }

    /** Same contract as {@link FloatKernels#gemm}, arguments already checked and m, n, k > 0. */
    static void gemm(int m, int n, int k,
                     float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc,
                     boolean accumulate) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
        }
        // A multiple of 4 rows, so only the last block has a remainder for row().
        int kb = Math.max(4, Math.min(256, BLOCK_FLOATS / n) & ~3);
        for (int pc = 0; pc < k; pc += kb) {
            int kEnd = Math.min(k, pc + kb);
            for (int i = 0; i < m; i++) {
                row(a, aOff + i * lda, b, bOff, ldb, c, cOff + i * ldc, n, pc, kEnd);
            }
        }
    }

    /** c[co, co + n) += sum over p in [p0, p1) of a[ao + p] * B[p][0, n). */
    private static void row(float[] a, int ao, float[] b, int bOff, int ldb, float[] c, int co, int n,
                            int p0, int p1) {
        int nv = F.loopBound(n);
        int p = p0;
        for (; p + 4 <= p1; p += 4) {
            float s0 = a[ao + p], s1 = a[ao + p + 1], s2 = a[ao + p + 2], s3 = a[ao + p + 3];
            FloatVector x0 = FloatVector.broadcast(F, s0), x1 = FloatVector.broadcast(F, s1);
            FloatVector x2 = FloatVector.broadcast(F, s2), x3 = FloatVector.broadcast(F, s3);
            int r0 = bOff + p * ldb, r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
            for (int j = 0; j < nv; j += L) {
                FloatVector acc = FloatVector.fromArray(F, c, co + j);
                acc = FloatVector.fromArray(F, b, r0 + j).fma(x0, acc);
                acc = FloatVector.fromArray(F, b, r1 + j).fma(x1, acc);
                acc = FloatVector.fromArray(F, b, r2 + j).fma(x2, acc);
                acc = FloatVector.fromArray(F, b, r3 + j).fma(x3, acc);
                acc.intoArray(c, co + j);
            }
            for (int j = nv; j < n; j++) {
                float acc = c[co + j];
                acc = Math.fma(s0, b[r0 + j], acc);
                acc = Math.fma(s1, b[r1 + j], acc);
                acc = Math.fma(s2, b[r2 + j], acc);
                c[co + j] = Math.fma(s3, b[r3 + j], acc);
            }
        }
        for (; p < p1; p++) {
            float s0 = a[ao + p];
            FloatVector x0 = FloatVector.broadcast(F, s0);
            int r0 = bOff + p * ldb;
            for (int j = 0; j < nv; j += L) {
                FloatVector.fromArray(F, b, r0 + j).fma(x0, FloatVector.fromArray(F, c, co + j)).intoArray(c, co + j);
            }
            for (int j = nv; j < n; j++) {
                c[co + j] = Math.fma(s0, b[r0 + j], c[co + j]);
            }
        }
    }
}
