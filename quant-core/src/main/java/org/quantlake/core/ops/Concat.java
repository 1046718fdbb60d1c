package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.tensor.Shapes;

/** ONNX Concat along {@code axis} (negative counts from the end); folds integer constants (shape arithmetic). */
final class Concat extends OpDef {

    static int axis(OpContext c, int rank) {
        long a = c.node().attrInt("axis", Long.MIN_VALUE);
        if (a == Long.MIN_VALUE) throw c.fail("Concat needs an axis");
        int ax = (int) (a < 0 ? a + rank : a);
        if (ax < 0 || ax >= rank) throw c.fail("axis " + a + " out of range for rank " + rank);
        return ax;
    }

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] first = c.requireShape(0);
        int ax = axis(c, first.length);
        int[] out = first.clone();
        out[ax] = 0;
        for (int i = 0; i < c.inputCount(); i++) {
            int[] s = c.requireShape(i);
            if (s.length != first.length) throw c.fail("input " + i + " has rank " + s.length + ", input 0 has " + first.length);
            for (int d = 0; d < s.length; d++) {
                if (d != ax && s[d] != first[d]) throw c.fail("input " + i + " shape " + OpContext.str(s) + " differs from " + OpContext.str(first) + " off the concat axis");
            }
            out[ax] += s[ax];
        }
        return new int[][] {out};
    }

    @Override
    public TensorData[] fold(OpContext c) {
        for (int i = 0; i < c.inputCount(); i++) {
            TensorData t = c.inConst(i);
            if (t == null || t.type() == ElemType.FLOAT) return null;
        }
        int[] out = inferShapes(c)[0];
        int ax = axis(c, out.length);
        int outer = Shapes.product(out, 0, ax);
        int inner = Shapes.product(out, ax + 1, out.length);
        long[] r = new long[Shapes.size(out)];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < c.inputCount(); i++) {
                TensorData t = c.inConst(i);
                long[] v = t.asLongs();
                int chunk = t.dim(ax) * inner;
                System.arraycopy(v, o * chunk, r, pos, chunk);
                pos += chunk;
            }
        }
        return new TensorData[] {TensorData.ofLongs(out, r)};
    }

    @Override
    public Step compile(OpContext c) {
        int[] out = c.outShape(0);
        int ax = axis(c, out.length);
        int outer = Shapes.product(out, 0, ax);
        int inner = Shapes.product(out, ax + 1, out.length);
        int k = c.inputCount();
        int[] slots = new int[k];
        int[] chunks = new int[k];
        for (int i = 0; i < k; i++) {
            slots[i] = c.inSlot(i);
            chunks[i] = c.inShape(i)[ax] * inner;
        }
        int ys = c.outSlot(0);
        return a -> {
            float[] y = a.f(ys);
            int pos = 0;
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < k; i++) {
                    System.arraycopy(a.f(slots[i]), o * chunks[i], y, pos, chunks[i]);
                    pos += chunks[i];
                }
            }
        };
    }
}
