package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;

/**
 * Elementwise activations: Relu, LeakyRelu (alpha 0.01), Sigmoid, HardSigmoid (alpha 0.2, beta 0.5),
 * HardSwish (x * max(0, min(1, x/6 + 1/2))), and Clip (attributes min/max before opset 11, optional constant
 * inputs from 11; absent bounds are +/-infinity).
 */
final class Unary extends OpDef {
    enum Kind { RELU, LEAKY_RELU, SIGMOID, HARD_SIGMOID, HARD_SWISH, CLIP }

    private final Kind kind;

    Unary(Kind kind) {
        this.kind = kind;
    }

    @Override
    public int[][] inferShapes(OpContext c) {
        return new int[][] {c.requireShape(0)};
    }

    /** [lo, hi] of a Clip node for its opset. */
    static float[] clipBounds(OpContext c) {
        Node n = c.node();
        if (c.opset() < 11) {
            return new float[] {n.attrFloat("min", Float.NEGATIVE_INFINITY), n.attrFloat("max", Float.POSITIVE_INFINITY)};
        }
        float lo = Float.NEGATIVE_INFINITY;
        float hi = Float.POSITIVE_INFINITY;
        if (c.hasInput(1)) lo = scalar(c, 1, "min");
        if (c.hasInput(2)) hi = scalar(c, 2, "max");
        return new float[] {lo, hi};
    }

    private static float scalar(OpContext c, int i, String what) {
        TensorData t = c.requireConst(i, "Clip " + what);
        if (t.size() != 1) throw c.fail("Clip " + what + " must be a scalar, got " + t);
        return t.asFloats()[0];
    }

    @Override
    public Step compile(OpContext c) {
        int xs = c.inSlot(0);
        int ys = c.outSlot(0);
        int n = org.quantlake.core.tensor.Shapes.size(c.outShape(0));
        Node node = c.node();
        return switch (kind) {
            case RELU -> a -> {
                float[] x = a.f(xs), y = a.f(ys);
                for (int i = 0; i < n; i++) y[i] = Math.max(x[i], 0f);
            };
            case LEAKY_RELU -> {
                float alpha = node.attrFloat("alpha", 0.01f);
                yield a -> {
                    float[] x = a.f(xs), y = a.f(ys);
                    for (int i = 0; i < n; i++) y[i] = x[i] >= 0 ? x[i] : x[i] * alpha;
                };
            }
            case SIGMOID -> a -> {
                float[] x = a.f(xs), y = a.f(ys);
                for (int i = 0; i < n; i++) y[i] = (float) (1.0 / (1.0 + Math.exp(-x[i])));
            };
            case HARD_SIGMOID -> {
                float alpha = node.attrFloat("alpha", 0.2f);
                float beta = node.attrFloat("beta", 0.5f);
                yield a -> {
                    float[] x = a.f(xs), y = a.f(ys);
                    for (int i = 0; i < n; i++) y[i] = Math.max(0f, Math.min(1f, alpha * x[i] + beta));
                };
            }
            case HARD_SWISH -> a -> {
                float[] x = a.f(xs), y = a.f(ys);
                for (int i = 0; i < n; i++) y[i] = x[i] * Math.max(0f, Math.min(1f, x[i] / 6f + 0.5f));
            };
            case CLIP -> {
                float[] b = clipBounds(c);
                float lo = b[0], hi = b[1];
                yield a -> {
                    float[] x = a.f(xs), y = a.f(ys);
                    for (int i = 0; i < n; i++) y[i] = Math.min(Math.max(x[i], lo), hi);
                };
            }
        };
    }
}
