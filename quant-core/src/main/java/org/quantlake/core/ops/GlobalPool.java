package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;

/** ONNX GlobalAveragePool and GlobalMaxPool: reduce every spatial dim of [N, C, ...] to 1. */
final class GlobalPool extends OpDef {
    private final boolean max;

    GlobalPool(boolean max) {
        this.max = max;
    }

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] x = c.requireShape(0);
        if (x.length < 3) throw c.fail("input must be [N, C, spatial...], got " + OpContext.str(x));
        int[] out = x.clone();
        for (int i = 2; i < out.length; i++) out[i] = 1;
        return new int[][] {out};
    }

    @Override
    public Step compile(OpContext c) {
        int[] x = c.inShape(0);
        int planes = x[0] * x[1];
        int hw = org.quantlake.core.tensor.Shapes.product(x, 2, x.length);
        int xs = c.inSlot(0);
        int ys = c.outSlot(0);
        if (max) {
            return a -> {
                float[] in = a.f(xs), out = a.f(ys);
                for (int p = 0; p < planes; p++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int i = p * hw, e = i + hw; i < e; i++) if (in[i] > m || in[i] != in[i]) m = in[i];
                    out[p] = m;
                }
            };
        }
        return a -> {
            float[] in = a.f(xs), out = a.f(ys);
            for (int p = 0; p < planes; p++) {
                float s = 0f;
                for (int i = p * hw, e = i + hw; i < e; i++) s += in[i];
                out[p] = s / hw;
            }
        };
    }
}
