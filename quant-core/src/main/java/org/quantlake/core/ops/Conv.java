package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.Node;
import org.quantlake.core.kernels.FloatConv;
import org.quantlake.core.kernels.FloatConvSpec;
import org.quantlake.core.kernels.FloatKernels;

/**
 * ONNX Conv (1-D and 2-D; groups incl. depthwise; dilations, strides, pads, auto_pad). Weights must be constant.
 * Compiled to a layer prepared once per model by the float kernels ({@link FloatKernels#prepareConv}: the Java
 * kernels lower it per image and group to {@code W_g[M/g x K] * im2col(x)}, or a direct kernel when depthwise; the
 * native kernels pack the weights for their tiles); each step runs it over the batch.
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
        int group = (int) c.node().attrInt("group", 1);
        WindowGeometry g = geometry(c, x, wShape);
        int n = x[0];
        FloatConvSpec plain = new FloatConvSpec(x[1], g.inH(), g.inW(), wShape[0], group, g.kh(), g.kw(), g.sh(), g.sw(),
                g.dh(), g.dw(), g.padTop(), g.padLeft(), g.outH(), g.outW());
        float[] clamp = c.fusedClamp();  // a Relu/Clip the plan fused into this Conv, applied in the epilogue
        FloatConvSpec spec = clamp == null ? plain : plain.withClamp(clamp[0], clamp[1]);
        FloatKernels kern = c.kernels();
        // Keyed by the spec: plans for other input sizes need their own layer (the batch is not in the spec).
        FloatConv conv = c.prepared("f" + spec, () -> kern.prepareConv(spec, c.requireConst(1, "weights").floats(),
                c.hasInput(2) ? c.requireConst(2, "bias").floats() : null));
        int xs = c.inSlot(0);
        int ys = c.outSlot(0);
        int scratchSlot = c.scratch(0, conv.scratchFloats(n));
        return a -> conv.run(a.f(xs), 0, n, a.f(ys), 0, a.f(scratchSlot));
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
