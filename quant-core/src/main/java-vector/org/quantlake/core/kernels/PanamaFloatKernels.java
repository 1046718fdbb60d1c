package org.quantlake.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatKernels} on the Vector API ({@code jdk.incubator.vector}) with the platform's preferred vector width.
 * Loaded reflectively by {@link KernelProvider}; stateless and thread-safe (GEMM scratch space is per thread).
 *
 * <p>Masked loads and stores are avoided on purpose: on JDK 17 they leave the intrinsic fast path whenever the
 * full vector would cross the array's end (a masked load there measured 3-45x slower than mid-array), so tails
 * are handled with scalar loops or zero padding instead.
 */
final class PanamaFloatKernels implements FloatKernels {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    /**
     * Up to this many rows (all of a small m, or the rows left over after whole 8-row tiles) take the row-streaming
     * path: the 8-row micro-kernel would mostly compute padding. Side by side: 1 x 1280 x 1000 at 28 vs 12 GFLOP/s;
     * 9 x 4608 x 512 and 17 x 1280 x 1000 about 1.3x faster than padding the last tile.
     */
    private static final int ROW_PATH_MAX_ROWS = 3;

    /**
     * Fewer rows than this read B in place instead of packing it: packing costs a pass over B that pays back only
     * when many row tiles reuse each packed panel. Interleaved runs: in place 2.0x faster at 8 x 1280 x 1000,
     * 1.15-1.3x at 32-48 x 1280 x 1000, within 6% either way at 32-48 x 4608 x 512; from 64 rows neither won
     * consistently (within 17% either way), and packing is kept there because it reads panels contiguously
     * whatever B's row stride.
     */
    private static final int PACK_MIN_ROWS = 64;

    /** Checked by {@link KernelProvider}, which falls back to the plain-Java kernels with a warning. */
    PanamaFloatKernels() {
        if (L < 4) {
            throw new UnsupportedOperationException(
                    "the preferred float vector has " + L + " lanes here; the Vector API kernels need at least 4");
        }
    }

    @Override
    public String name() {
        return "panama";
    }

    @Override
    public void gemm(int m, int n, int k,
                     float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc,
                     boolean accumulate) {
        KernelArgs.checkGemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if ((long) m * n * k <= ScalarGemm.SMALL_WORK) {
            ScalarGemm.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        int tail = m % PanamaBlockedGemm.MR;
        int streamed = tail <= ROW_PATH_MAX_ROWS ? tail : 0;
        int blocked = m - streamed;
        if (blocked > 0) {
            PanamaBlockedGemm.gemm(blocked, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate,
                    blocked >= PACK_MIN_ROWS);
        }
        if (streamed > 0) {
            PanamaRowGemm.gemm(streamed, n, k, a, aOff + blocked * lda, lda, b, bOff, ldb,
                    c, cOff + blocked * ldc, ldc, accumulate);
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        KernelArgs.checkRange("a", a, aOff, n);
        KernelArgs.checkRange("b", b, bOff, n);
        // Four accumulators: one FMA chain would wait on its own latency (4 cycles) while two FMA units idle.
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int last4 = n - 4 * L; i <= last4; i += 4 * L) {
            s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
            s1 = FloatVector.fromArray(F, a, aOff + i + L).fma(FloatVector.fromArray(F, b, bOff + i + L), s1);
            s2 = FloatVector.fromArray(F, a, aOff + i + 2 * L).fma(FloatVector.fromArray(F, b, bOff + i + 2 * L), s2);
            s3 = FloatVector.fromArray(F, a, aOff + i + 3 * L).fma(FloatVector.fromArray(F, b, bOff + i + 3 * L), s3);
        }
        for (int last = n - L; i <= last; i += L) {
            s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
        }
        float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum = Math.fma(a[aOff + i], b[bOff + i], sum);
        }
        return sum;
    }

    @Override
    public void biasClamp(float[] x, int off, int rows, int cols, float[] bias, float lo, float hi) {
        KernelArgs.checkBiasClamp(x, off, rows, cols, bias, lo, hi);
        // Lane-wise max/min follow Math.max/Math.min (NaN wins, -0.0 < +0.0), so results equal the plain loop's.
        FloatVector vlo = FloatVector.broadcast(F, lo);
        FloatVector vhi = FloatVector.broadcast(F, hi);
        int vcols = F.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int start = off + r * cols;
            if (bias == null) {
                // No "+ 0f" here: it would turn -0.0 into +0.0.
                for (int j = 0; j < vcols; j += L) {
                    FloatVector.fromArray(F, x, start + j).max(vlo).min(vhi).intoArray(x, start + j);
                }
                for (int j = vcols; j < cols; j++) {
                    x[start + j] = Math.min(Math.max(x[start + j], lo), hi);
                }
            } else {
                float bv = bias[r];
                FloatVector vb = FloatVector.broadcast(F, bv);
                for (int j = 0; j < vcols; j += L) {
                    FloatVector.fromArray(F, x, start + j).add(vb).max(vlo).min(vhi).intoArray(x, start + j);
                }
                for (int j = vcols; j < cols; j++) {
                    x[start + j] = Math.min(Math.max(x[start + j] + bv, lo), hi);
                }
            }
        }
    }

    @Override
    public void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.checkRows(n, x, xOff, y, yOff);
        FloatVector va = FloatVector.broadcast(F, a);
        int vn = F.loopBound(n);
        int i = 0;
        for (; i < vn; i += L) {
            FloatVector.fromArray(F, x, xOff + i).fma(va, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(a, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void maxInto(int n, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.checkRows(n, x, xOff, y, yOff);
        // Lane-wise max follows Math.max (NaN wins, -0.0 < +0.0): the same bits as the plain loop.
        int vn = F.loopBound(n);
        int i = 0;
        for (; i < vn; i += L) {
            FloatVector.fromArray(F, y, yOff + i).max(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.max(y[yOff + i], x[xOff + i]);
        }
    }
}
