package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.kernels.FloatKernels;

/**
 * ONNX Gemm: {@code Y = alpha * A' * B' + beta * C}, A' = transA ? A^T : A (M x K), B' = transB ? B^T : B (K x N),
 * C unidirectionally broadcast to [M, N]. A constant B is transposed once into row-major [K, N] for the kernel.
 */
final class Gemm extends OpDef {

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] a = c.requireShape(0);
        int[] b = c.requireShape(1);
        if (a.length != 2 || b.length != 2) throw c.fail("Gemm needs 2-D A and B, got " + OpContext.str(a) + " and " + OpContext.str(b));
        boolean ta = c.node().attrInt("transA", 0) != 0;
        boolean tb = c.node().attrInt("transB", 0) != 0;
        int m = ta ? a[1] : a[0];
        int k = ta ? a[0] : a[1];
        int kb = tb ? b[1] : b[0];
        int n = tb ? b[0] : b[1];
        if (k != kb) throw c.fail("inner dims differ: A' is " + m + "x" + k + ", B' is " + kb + "x" + n);
        if (c.hasInput(2)) {
            int[] cs = c.requireShape(2);
            int[] bc = Broadcast.shape(cs, new int[] {m, n});
            if (bc == null || bc.length != 2 || bc[0] != m || bc[1] != n) {
                throw c.fail("C of shape " + OpContext.str(cs) + " does not broadcast to [" + m + ", " + n + "]");
            }
        }
        return new int[][] {{m, n}};
    }

    @Override
    public Step compile(OpContext c) {
        int[] as = c.inShape(0);
        int[] bs = c.inShape(1);
        boolean ta = c.node().attrInt("transA", 0) != 0;
        boolean tb = c.node().attrInt("transB", 0) != 0;
        float alpha = c.node().attrFloat("alpha", 1f);
        float beta = c.node().attrFloat("beta", 1f);
        int m = ta ? as[1] : as[0];
        int k = ta ? as[0] : as[1];
        int n = tb ? bs[0] : bs[1];
        FloatKernels kern = c.kernels();
        int aSlot = c.inSlot(0);
        int ySlot = c.outSlot(0);
        int aT = ta ? c.scratch(0, m * k) : -1;
        TensorData bConst = c.inConst(1);
        float[] bPrepared = bConst == null ? null : c.prepared("B", () -> rowMajor(bConst.floats(), bs, tb));
        int bSlot = bConst == null ? c.inSlot(1) : -1;
        int bT = bConst == null && tb ? c.scratch(1, k * n) : -1;
        float[] cFull = null;
        int cSlot = -1;
        int[] cShape = null;
        if (c.hasInput(2) && beta != 0f) {
            TensorData cc = c.inConst(2);
            cShape = c.inShape(2);
            if (cc != null) {
                int[] shape = cShape;
                // keyed on M: plans for other batch sizes share this cache, and M is the batch for Flatten -> Gemm
                cFull = c.prepared("C" + m + "x" + n, () -> expand(cc.floats(), shape, m, n, beta));
            } else {
                cSlot = c.inSlot(2);
            }
        }
        final float[] cf = cFull;
        final int cs = cSlot;
        final int[] cShp = cShape;
        return a -> {
            float[] av = a.f(aSlot);
            if (ta) {
                transpose(av, as[0], as[1], a.f(aT));
                av = a.f(aT);
            }
            float[] bv;
            if (bPrepared != null) {
                bv = bPrepared;
            } else if (tb) {
                transpose(a.f(bSlot), bs[0], bs[1], a.f(bT));
                bv = a.f(bT);
            } else {
                bv = a.f(bSlot);
            }
            float[] y = a.f(ySlot);
            kern.gemm(m, n, k, av, 0, k, bv, 0, n, y, 0, n, false);
            if (alpha != 1f) for (int i = 0, t = m * n; i < t; i++) y[i] *= alpha;
            if (cf != null) {
                for (int i = 0, t = m * n; i < t; i++) y[i] += cf[i];
            } else if (cs >= 0) {
                float[] full = expand(a.f(cs), cShp, m, n, beta);
                for (int i = 0, t = m * n; i < t; i++) y[i] += full[i];
            }
        };
    }

    /** B' as row-major [K, N]. */
    static float[] rowMajor(float[] b, int[] shape, boolean transposed) {
        if (!transposed) return b;
        float[] out = new float[b.length];
        transpose(b, shape[0], shape[1], out);
        return out;
    }

    /** out[c][r] = in[r][c] for an rows x cols input. */
    static void transpose(float[] in, int rows, int cols, float[] out) {
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) out[col * rows + r] = in[r * cols + col];
        }
    }

    /** beta * C broadcast to [m, n]. */
    static float[] expand(float[] cv, int[] shape, int m, int n, float beta) {
        int[] s = shape.length == 2 ? shape : shape.length == 1 ? new int[] {1, shape[0]} : new int[] {1, 1};
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = beta * cv[(s[0] == 1 ? 0 : i) * s[1] + (s[1] == 1 ? 0 : j)];
            }
        }
        return out;
    }
}
