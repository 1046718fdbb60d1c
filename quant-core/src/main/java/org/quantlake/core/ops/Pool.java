package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.Node;
import org.quantlake.core.kernels.FloatKernels;
import org.quantlake.core.kernels.MaxPoolPlane;

/**
 * ONNX MaxPool and AveragePool (1-D/2-D; auto_pad, pads, strides, dilations, ceil_mode; count_include_pad).
 * Max ignores padding. Average divides by the number of real inputs in the window, or with count_include_pad by
 * the window clipped to the padded input (so a ceil_mode window hanging past the padding counts only what lies
 * inside it), as ONNX Runtime does.
 */
final class Pool extends OpDef {
    private final boolean max;

    Pool(boolean max) {
        this.max = max;
    }

    @Override
    public void check(Node node, int opset) {
        if (max && node.outputs().size() > 1 && !node.output(1).isEmpty()) {
            throw OpContext.unsupported(node, opset, "the Indices output of MaxPool is not supported");
        }
        if (!node.has("kernel_shape")) throw OpContext.unsupported(node, opset, "kernel_shape is required");
    }

    WindowGeometry geometry(OpContext c) {
        int[] x = c.requireShape(0);
        int[] kernel = c.node().attrInts("kernel_shape", null);
        boolean ceil = c.node().attrInt("ceil_mode", 0) != 0;
        return WindowGeometry.of(c, x, kernel, ceil);
    }

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] x = c.requireShape(0);
        return new int[][] {geometry(c).outShape(x[0], x[1], x.length)};
    }

    @Override
    public Step compile(OpContext c) {
        int[] x = c.inShape(0);
        WindowGeometry g = geometry(c);
        int planes = x[0] * x[1];
        boolean includePad = c.node().attrInt("count_include_pad", 0) != 0;
        int xs = c.inSlot(0);
        int ys = c.outSlot(0);
        int inHW = g.inHW();
        int outHW = g.outHW();
        if (max) {
            FloatKernels kern = c.kernels();
            MaxPoolPlane pool = new MaxPoolPlane(g.inH(), g.inW(), g.kh(), g.kw(), g.sh(), g.sw(), g.dh(), g.dw(),
                    g.padTop(), g.padLeft(), g.outH(), g.outW());
            int scratchSlot = c.scratch(0, pool.scratchSize());
            return a -> {
                float[] in = a.f(xs), out = a.f(ys);
                float[] scratch = a.f(scratchSlot);
                pool.planes(kern, in, 0, planes, out, 0, scratch);
            };
        }
        return a -> {
            float[] in = a.f(xs), out = a.f(ys);
            for (int p = 0; p < planes; p++) avgPlane(in, p * inHW, g, includePad, out, p * outHW);
        };
    }

    static void avgPlane(float[] x, int xOff, WindowGeometry g, boolean includePad, float[] y, int yOff) {
        int padBottomEdge = g.inH() + g.padBottom();
        int padRightEdge = g.inW() + g.padRight();
        for (int oh = 0; oh < g.outH(); oh++) {
            int h0 = oh * g.sh() - g.padTop();
            for (int ow = 0; ow < g.outW(); ow++) {
                int w0 = ow * g.sw() - g.padLeft();
                float sum = 0f;
                int count = 0;
                int padded = 0;
                for (int i = 0; i < g.kh(); i++) {
                    int ih = h0 + i * g.dh();
                    boolean inPaddedH = ih < padBottomEdge;  // head padding is always inside (ih >= -padTop)
                    for (int j = 0; j < g.kw(); j++) {
                        int iw = w0 + j * g.dw();
                        if (inPaddedH && iw < padRightEdge) padded++;
                        if (ih < 0 || ih >= g.inH() || iw < 0 || iw >= g.inW()) continue;
                        sum += x[xOff + ih * g.inW() + iw];
                        count++;
                    }
                }
                int div = includePad ? padded : count;
                y[yOff + oh * g.outW() + ow] = div == 0 ? 0f : sum / div;
            }
        }
    }
}
