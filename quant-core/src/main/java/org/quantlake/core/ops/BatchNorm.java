package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.Node;

/**
 * ONNX BatchNormalization in inference mode: {@code y = (x - mean) / sqrt(var + epsilon) * scale + B}, per channel
 * (dim 1), folded once into {@code y = a[c] * x + b[c]}. Statistics must be constants; training mode and the
 * non-spatial form of opsets before 9 are refused.
 */
final class BatchNorm extends OpDef {

    @Override
    public void check(Node node, int opset) {
        if (node.attrInt("training_mode", 0) != 0) throw OpContext.unsupported(node, opset, "training_mode=1 is not supported (inference only)");
        if (opset < 9 && node.attrInt("spatial", 1) != 1) throw OpContext.unsupported(node, opset, "spatial=0 is not supported");
        for (int i = 1; i < node.outputs().size(); i++) {
            if (!node.output(i).isEmpty()) throw OpContext.unsupported(node, opset, "running mean/var outputs (training) are not supported");
        }
    }

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] x = c.requireShape(0);
        if (x.length < 2) throw c.fail("input must have a channel dim, got " + OpContext.str(x));
        for (int i = 1; i <= 4; i++) {
            int[] s = c.requireShape(i);
            if (org.quantlake.core.tensor.Shapes.size(s) != x[1]) throw c.fail("input " + i + " of shape " + OpContext.str(s) + " does not have " + x[1] + " channels");
        }
        return new int[][] {x};
    }

    /** Per-channel {a, b} with y = a*x + b. */
    static float[][] affine(OpContext c) {
        float[] scale = c.requireConst(1, "scale").asFloats();
        float[] bias = c.requireConst(2, "B").asFloats();
        float[] mean = c.requireConst(3, "mean").asFloats();
        float[] var = c.requireConst(4, "var").asFloats();
        float eps = c.node().attrFloat("epsilon", 1e-5f);
        float[] a = new float[scale.length];
        float[] b = new float[scale.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (scale[i] / Math.sqrt((double) var[i] + eps));
            b[i] = bias[i] - mean[i] * a[i];
        }
        return new float[][] {a, b};
    }

    @Override
    public Step compile(OpContext c) {
        int[] x = c.inShape(0);
        float[][] ab = c.prepared("affine", () -> affine(c));
        int n = x[0];
        int ch = x[1];
        int inner = org.quantlake.core.tensor.Shapes.product(x, 2, x.length);
        int xs = c.inSlot(0);
        int ys = c.outSlot(0);
        return a -> {
            float[] in = a.f(xs);
            float[] out = a.f(ys);
            for (int b = 0; b < n; b++) {
                for (int k = 0; k < ch; k++) {
                    float s = ab[0][k];
                    float t = ab[1][k];
                    int off = (b * ch + k) * inner;
                    for (int i = off, e = off + inner; i < e; i++) out[i] = in[i] * s + t;
                }
            }
        };
    }
}
