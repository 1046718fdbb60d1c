package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.kernels.DepthwiseConv;
import org.quantlake.core.kernels.FloatKernels;
import org.quantlake.core.kernels.Im2Col;

/**
 * ONNX Conv (1-D and 2-D; groups incl. depthwise; dilations, strides, pads, auto_pad). Weights must be constant.
 * Lowered per image and group to {@code W_g[M/g x K] * col[K x outHW]} with K = C/g*kh*kw (im2col; skipped for
 * 1x1 stride-1 unpadded convs, whose input already is the column matrix), or a direct kernel when depthwise.
 */
final class Conv extends OpDef {

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] x = c.requireShape(0);
        int[] w = c.requireShape(1);
        if (x.length < 3 || x.length > 4) throw c.unsupported("only 1-D and 2-D convolutions are supported; input shape " + OpContext.str(x));
        if (w.length != x.length) throw c.fail("weight rank " + w.length + " does not match input rank " + x.length);
        int group = (int) c.node().attrInt("group", 1);
        int channels = x[1];
        int m = w[0];
        if (group <= 0 || channels % group != 0 || m % group != 0) {
            throw c.fail("group " + group + " must divide input channels " + channels + " and output channels " + m);
        }
        if (w[1] != channels / group) {
            throw c.fail("weight shape " + OpContext.str(w) + " needs " + w[1] * group + " input channels, input has " + channels);
        }
        if (c.hasInput(2)) {
            int[] b = c.requireShape(2);
            if (b.length != 1 || b[0] != m) throw c.fail("bias shape " + OpContext.str(b) + " is not [" + m + "]");
        }
        return new int[][] {geometry(c, x, w).outShape(x[0], m, x.length)};
    }

    static WindowGeometry geometry(OpContext c, int[] x, int[] w) {
        int[] kernel = java.util.Arrays.copyOfRange(w, 2, w.length);
        int[] declared = c.node().attrInts("kernel_shape", kernel);
        if (!java.util.Arrays.equals(declared, kernel)) {
            throw c.fail("kernel_shape " + OpContext.str(declared) + " does not match weight shape " + OpContext.str(w));
        }
        return WindowGeometry.of(c, x, kernel, false);
    }

    @Override
    public Step compile(OpContext c) {
        int[] x = c.inShape(0);
        int[] wShape = c.inShape(1);
        TensorData wt = c.requireConst(1, "weights");
        float[] w = wt.floats();
        float[] bias = c.hasInput(2) ? c.requireConst(2, "bias").floats() : null;
        int group = (int) c.node().attrInt("group", 1);
        WindowGeometry g = geometry(c, x, wShape);
        int n = x[0];
        int channels = x[1];
        int m = wShape[0];
        int cg = channels / group;
        int mg = m / group;
        int k = cg * g.kh() * g.kw();
        int inHW = g.inHW();
        int outHW = g.outHW();
        int xs = c.inSlot(0);
        int ys = c.outSlot(0);
        FloatKernels kern = c.kernels();
        float[] clamp = c.fusedClamp();
        float lo = clamp == null ? Float.NEGATIVE_INFINITY : clamp[0];
        float hi = clamp == null ? Float.POSITIVE_INFINITY : clamp[1];
        if (group == channels && m == channels && group > 1) {
            DepthwiseConv dwc = new DepthwiseConv(g.inH(), g.inW(), g.kh(), g.kw(), g.sh(), g.sw(), g.dh(), g.dw(),
                    g.padTop(), g.padLeft(), g.outH(), g.outW());
            int scratchSlot = c.scratch(0, dwc.scratchSize());
            return a -> {
                float[] in = a.f(xs);
                float[] out = a.f(ys);
                float[] scratch = a.f(scratchSlot);
                for (int b = 0; b < n; b++) {
                    for (int ch = 0; ch < channels; ch++) {
                        dwc.plane(kern, in, (b * channels + ch) * inHW, w, ch * g.kh() * g.kw(),
                                bias == null ? 0f : bias[ch], out, (b * m + ch) * outHW, scratch);
                    }
                }
                if (clamp != null) kern.biasClamp(out, 0, n * m, outHW, null, lo, hi);
            };
        }
        boolean pointwise = g.isPointwise();
        int colSlot = pointwise ? -1 : c.scratch(0, Math.multiplyExact(k, outHW));  // can exceed int where x and y do not
        return a -> {
            float[] in = a.f(xs);
            float[] out = a.f(ys);
            float[] col = pointwise ? in : a.f(colSlot);
            for (int b = 0; b < n; b++) {
                for (int gi = 0; gi < group; gi++) {
                    int xOff = (b * channels + gi * cg) * inHW;
                    int bOff = xOff;
                    if (!pointwise) {
                        Im2Col.im2col(in, xOff, cg, g.inH(), g.inW(), g.kh(), g.kw(), g.sh(), g.sw(), g.dh(), g.dw(),
                                g.padTop(), g.padLeft(), g.outH(), g.outW(), col, 0);
                        bOff = 0;
                    }
                    kern.gemm(mg, outHW, k, w, gi * mg * k, k, col, bOff, outHW, out, (b * m + gi * mg) * outHW, outHW, false);
                }
                if (bias != null || clamp != null) kern.biasClamp(out, b * m * outHW, m, outHW, bias, lo, hi);
            }
        };
    }

    @Override
    public void check(Node node, int opset) {
        if (node.inputs().size() < 2) throw OpContext.unsupported(node, opset, "Conv needs input and weights");
        String autoPad = node.attrString("auto_pad", "NOTSET");
        int[] dil = node.attrInts("dilations", new int[0]);
        if (autoPad.startsWith("SAME") && java.util.Arrays.stream(dil).anyMatch(d -> d != 1)) {
            // ONNX Runtime, our reference, refuses this too; the spec's padding for it differs from ORT's pools
            throw OpContext.unsupported(node, opset, "auto_pad " + autoPad + " with dilations " + java.util.Arrays.toString(dil)
                    + " is not supported (ONNX Runtime refuses it too); export with explicit pads");
        }
    }
}
