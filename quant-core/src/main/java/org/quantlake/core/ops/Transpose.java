package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.tensor.Shapes;

/** ONNX Transpose (perm defaults to reversing the dims). */
final class Transpose extends OpDef {

    static int[] perm(OpContext c, int rank) {
        int[] p = c.node().attrInts("perm", null);
        if (p == null) {
            p = new int[rank];
            for (int i = 0; i < rank; i++) p[i] = rank - 1 - i;
        }
        if (p.length != rank) throw c.fail("perm " + OpContext.str(p) + " does not match rank " + rank);
        boolean[] seen = new boolean[rank];
        for (int v : p) {
            if (v < 0 || v >= rank || seen[v]) throw c.fail("perm " + OpContext.str(p) + " is not a permutation");
            seen[v] = true;
        }
        return p;
    }

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] x = c.requireShape(0);
        int[] p = perm(c, x.length);
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[p[i]];
        return new int[][] {out};
    }

    /** For each output element in order, the input index (the gather map of the permutation). */
    static int[] gatherMap(int[] x, int[] p) {
        int r = x.length;
        int[] inStride = new int[r];
        for (int i = r - 1, s = 1; i >= 0; i--) { inStride[i] = s; s *= x[i]; }
        int[] outDims = new int[r];
        int[] stride = new int[r];
        for (int i = 0; i < r; i++) { outDims[i] = x[p[i]]; stride[i] = inStride[p[i]]; }
        int n = Shapes.size(x);
        int[] map = new int[n];
        int[] coord = new int[r];
        int idx = 0;
        for (int o = 0; o < n; o++) {
            map[o] = idx;
            for (int d = r - 1; d >= 0; d--) {
                coord[d]++;
                idx += stride[d];
                if (coord[d] < outDims[d]) break;
                idx -= stride[d] * outDims[d];
                coord[d] = 0;
            }
        }
        return map;
    }

    @Override
    public TensorData[] fold(OpContext c) {
        TensorData x = c.inConst(0);
        if (x == null || x.type() != org.quantlake.core.graph.ElemType.INT64) return null;
        int[] map = gatherMap(x.dims(), perm(c, x.rank()));
        long[] v = x.longs();
        long[] out = new long[v.length];
        for (int i = 0; i < out.length; i++) out[i] = v[map[i]];
        return new TensorData[] {TensorData.ofLongs(inferShapes(c)[0], out)};
    }

    @Override
    public Step compile(OpContext c) {
        int[] x = c.inShape(0);
        int[] map = c.prepared("map" + java.util.Arrays.toString(x), () -> gatherMap(x, perm(c, x.length)));
        int xs = c.inSlot(0);
        int ys = c.outSlot(0);
        return a -> {
            float[] in = a.f(xs), out = a.f(ys);
            for (int i = 0; i < map.length; i++) out[i] = in[map[i]];
        };
    }
}
