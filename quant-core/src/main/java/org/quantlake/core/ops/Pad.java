package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.tensor.Shapes;

/**
 * ONNX Pad: modes constant, reflect and edge; pads as an attribute (before opset 11) or a constant input (11+),
 * optional constant_value input, optional axes input (18+). Negative pads crop.
 */
final class Pad extends OpDef {

    @Override
    public void check(Node node, int opset) {
        String mode = node.attrString("mode", "constant");
        if (!mode.equals("constant") && !mode.equals("reflect") && !mode.equals("edge")) {
            throw OpContext.unsupported(node, opset, "mode '" + mode + "' is not supported (constant, reflect, edge)");
        }
    }

    /** Per-dim {begin, end} pads. */
    private static int[][] pads(OpContext c, int rank) {
        long[] p;
        if (c.opset() < 11) {
            p = c.node().attr("pads") == null ? null : c.node().attr("pads").ints();
            if (p == null) p = c.node().attr("paddings") == null ? null : c.node().attr("paddings").ints();
        } else {
            p = c.requireConst(1, "pads").asLongs();
        }
        if (p == null) throw c.fail("Pad without pads");
        int[] axes = new int[rank];
        int k = rank;
        if (c.opset() >= 18 && c.hasInput(3)) {
            long[] a = c.requireConst(3, "axes").asLongs();
            k = a.length;
            axes = new int[k];
            for (int i = 0; i < k; i++) axes[i] = (int) (a[i] < 0 ? a[i] + rank : a[i]);
        } else {
            for (int i = 0; i < rank; i++) axes[i] = i;
        }
        if (p.length != 2 * k) throw c.fail("pads has " + p.length + " values, expected " + 2 * k);
        int[][] out = new int[rank][2];
        for (int i = 0; i < k; i++) {
            out[axes[i]][0] = (int) p[i];
            out[axes[i]][1] = (int) p[i + k];
        }
        return out;
    }

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] x = c.requireShape(0);
        int[][] p = pads(c, x.length);
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] + p[i][0] + p[i][1];
            if (out[i] < 0) throw c.fail("pads crop dim " + i + " of " + OpContext.str(x) + " below zero");
        }
        return new int[][] {out};
    }

    @Override
    public Step compile(OpContext c) {
        int[] x = c.inShape(0);
        int[] out = c.outShape(0);
        int[][] p = pads(c, x.length);
        String mode = c.node().attrString("mode", "constant");
        float value;
        if (c.opset() < 11) {
            value = c.node().attrFloat("value", 0f);
        } else {
            TensorData v = c.hasInput(2) ? c.requireConst(2, "constant_value") : null;
            value = v == null ? 0f : v.asFloats()[0];
        }
        // source index per output element (-1 = fill with value), computed once
        int[] map = c.prepared("map" + OpContext.str(x), () -> sourceMap(x, out, p, mode));
        int xs = c.inSlot(0);
        int ys = c.outSlot(0);
        return a -> {
            float[] in = a.f(xs), y = a.f(ys);
            for (int i = 0; i < map.length; i++) y[i] = map[i] < 0 ? value : in[map[i]];
        };
    }

    static int[] sourceMap(int[] x, int[] out, int[][] p, String mode) {
        int r = x.length;
        int n = Shapes.size(out);
        int[] map = new int[n];
        int[] stride = new int[r];
        for (int i = r - 1, s = 1; i >= 0; i--) { stride[i] = s; s *= x[i]; }
        int[] coord = new int[r];
        for (int o = 0; o < n; o++) {
            int src = 0;
            for (int d = 0; d < r; d++) {
                int ic = coord[d] - p[d][0];
                if (ic < 0 || ic >= x[d]) {
                    switch (mode) {
                        case "edge" -> ic = Math.max(0, Math.min(x[d] - 1, ic));
                        case "reflect" -> ic = reflect(ic, x[d]);
                        default -> { src = -1; }
                    }
                    if (src < 0) break;
                }
                src += ic * stride[d];
            }
            map[o] = src;
            for (int d = r - 1; d >= 0; d--) {
                if (++coord[d] < out[d]) break;
                coord[d] = 0;
            }
        }
        return map;
    }

    private static int reflect(int i, int n) {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }
}
