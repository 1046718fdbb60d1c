package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.tensor.Shapes;

/**
 * ONNX Softmax. Before opset 13 the input is coerced to 2-D [prod(d0..axis-1), prod(axis..)] (axis defaults to 1)
 * and softmax runs over each row; from 13 it runs along one axis (default -1). Max-subtracted for stability.
 */
final class Softmax extends OpDef {

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] x = c.requireShape(0);
        axis(c, x.length);
        return new int[][] {x};
    }

    private static int axis(OpContext c, int rank) {
        long a = c.node().attrInt("axis", c.opset() < 13 ? 1 : -1);
        int ax = (int) (a < 0 ? a + rank : a);
        if (ax < 0 || ax >= Math.max(rank, 1)) throw c.fail("axis " + a + " out of range for rank " + rank);
        return ax;
    }

    @Override
    public Step compile(OpContext c) {
        int[] x = c.inShape(0);
        int ax = axis(c, x.length);
        int outer;
        int len;
        int inner;
        if (c.opset() < 13) {
            outer = Shapes.product(x, 0, ax);
            len = Shapes.product(x, ax, x.length);
            inner = 1;
        } else {
            outer = Shapes.product(x, 0, ax);
            len = x[ax];
            inner = Shapes.product(x, ax + 1, x.length);
        }
        int xs = c.inSlot(0);
        int ys = c.outSlot(0);
        return a -> {
            float[] in = a.f(xs), out = a.f(ys);
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < inner; j++) {
                    int base = o * len * inner + j;
                    float m = Float.NEGATIVE_INFINITY;
                    for (int i = 0; i < len; i++) m = Math.max(m, in[base + i * inner]);
                    float sum = 0f;
                    for (int i = 0; i < len; i++) {
                        float e = (float) Math.exp(in[base + i * inner] - m);
                        out[base + i * inner] = e;
                        sum += e;
                    }
                    float inv = 1f / sum;
                    for (int i = 0; i < len; i++) out[base + i * inner] *= inv;
                }
            }
        };
    }
}
