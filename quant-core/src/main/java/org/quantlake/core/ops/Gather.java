package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.tensor.Shapes;

/**
 * ONNX Gather along {@code axis} with constant indices (negative indices count from the end). Folds when the data
 * is constant too (e.g. picking a dim out of Shape); on runtime float data it copies the selected slices.
 */
final class Gather extends OpDef {

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] x = c.requireShape(0);
        int[] idx = c.requireShape(1);
        int ax = axis(c, x.length);
        int[] out = new int[x.length - 1 + idx.length];
        int j = 0;
        for (int i = 0; i < ax; i++) out[j++] = x[i];
        for (int d : idx) out[j++] = d;
        for (int i = ax + 1; i < x.length; i++) out[j++] = x[i];
        return new int[][] {out};
    }

    private static int axis(OpContext c, int rank) {
        long a = c.node().attrInt("axis", 0);
        int ax = (int) (a < 0 ? a + rank : a);
        if (ax < 0 || ax >= rank) throw c.fail("axis " + a + " out of range for rank " + rank);
        return ax;
    }

    private static int[] indices(OpContext c, int dim) {
        long[] raw = c.requireConst(1, "indices").asLongs();
        int[] idx = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            long v = raw[i] < 0 ? raw[i] + dim : raw[i];
            if (v < 0 || v >= dim) throw c.fail("index " + raw[i] + " out of range for a dim of " + dim);
            idx[i] = (int) v;
        }
        return idx;
    }

    @Override
    public TensorData[] fold(OpContext c) {
        TensorData x = c.inConst(0);
        if (x == null || c.inConst(1) == null) return null;
        int[] dims = x.dims();
        int ax = axis(c, dims.length);
        int[] idx = indices(c, dims[ax]);
        int outer = Shapes.product(dims, 0, ax);
        int inner = Shapes.product(dims, ax + 1, dims.length);
        int[] out = inferShapes(c)[0];
        if (x.type() == ElemType.FLOAT) {
            float[] v = x.floats();
            float[] r = new float[Shapes.size(out)];
            copy(v, r, outer, inner, dims[ax], idx);
            return new TensorData[] {TensorData.ofFloats(out, r)};
        }
        long[] v = x.asLongs();
        long[] r = new long[Shapes.size(out)];
        int p = 0;
        for (int o = 0; o < outer; o++) {
            for (int i : idx) {
                System.arraycopy(v, (o * dims[ax] + i) * inner, r, p, inner);
                p += inner;
            }
        }
        return new TensorData[] {TensorData.ofLongs(out, r)};
    }

    private static void copy(float[] v, float[] r, int outer, int inner, int dim, int[] idx) {
        int p = 0;
        for (int o = 0; o < outer; o++) {
            for (int i : idx) {
                System.arraycopy(v, (o * dim + i) * inner, r, p, inner);
                p += inner;
            }
        }
    }

    @Override
    public Step compile(OpContext c) {
        int[] x = c.inShape(0);
        int ax = axis(c, x.length);
        int[] idx = indices(c, x[ax]);
        int outer = Shapes.product(x, 0, ax);
        int inner = Shapes.product(x, ax + 1, x.length);
        int xs = c.inSlot(0);
        int ys = c.outSlot(0);
        int dim = x[ax];
        return a -> copy(a.f(xs), a.f(ys), outer, inner, dim, idx);
    }
}
