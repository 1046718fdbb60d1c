package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.kernels.Im2Col;
import org.quantlake.core.kernels.Int8Kernels;
import org.quantlake.core.quant.Requantizer;

/**
 * int8 Conv (lowered from DequantizeLinear -> Conv [-> Relu/Clip] -> QuantizeLinear): uint8 input, int8 weights with
 * zero zero points (per channel or per tensor), int32 bias, uint8 output. Per image and group:
 * {@code acc = W_g * im2col(x)} (padding filled with the input zero point), then the one requantization rule with
 * {@code offset[m] = bias[m] - x_zp * sum_k W[m][k]}, which makes the padded taps contribute exactly zero.
 * Depthwise convs run a direct kernel that subtracts the zero point per tap.
 */
final class QConv extends OpDef {

    @Override
    public ElemType outputType(OpContext c, int i) { return ElemType.UINT8; }

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] x = c.requireShape(0);
        int[] w = c.requireShape(1);
        return new int[][] {Conv.geometry(c, x, w).outShape(x[0], w[0], x.length)};
    }

    /** The raw weights and, per group, each output channel's {offset, multiplier} (sliced once, not per batch). */
    private record Prepared(byte[] w, int[] offset, float[] mult, int[][] groupOffset, float[][] groupMult) {}

    @Override
    public Step compile(OpContext c) {
        int[] x = c.inShape(0);
        int[] wShape = c.inShape(1);
        var node = c.node();
        float xScale = QAttrs.f(node, QAttrs.X_SCALE);
        int xZp = QAttrs.i(node, QAttrs.X_ZP);
        float yScale = QAttrs.f(node, QAttrs.Y_SCALE);
        int yZp = QAttrs.i(node, QAttrs.Y_ZP);
        int lo = QAttrs.lo(node);
        int hi = QAttrs.hi(node);
        float[] wScales = node.attrFloats(QAttrs.W_SCALES, null);
        int m = wShape[0];
        int group = (int) node.attrInt("group", 1);
        WindowGeometry g = Conv.geometry(c, x, wShape);
        int channels = x[1];
        int cg = channels / group;
        int mg = m / group;
        int k = cg * g.kh() * g.kw();
        Prepared p = c.prepared("q", () -> {
            TensorData wt = c.requireConst(1, "weights");
            byte[] w = wt.bytes();
            int[] bias = c.hasInput(2) ? c.requireConst(2, "bias").ints() : new int[m];
            int[] offset = new int[m];
            float[] mult = new float[m];
            for (int o = 0; o < m; o++) {
                int sum = 0;
                for (int q = 0; q < k; q++) sum += w[o * k + q];
                offset[o] = bias[o] - xZp * sum;
                mult[o] = Requantizer.multiplier(xScale, wScales[wScales.length == 1 ? 0 : o], yScale);
            }
            int[][] go = new int[group][];
            float[][] gm = new float[group][];
            for (int gi = 0; gi < group; gi++) {
                go[gi] = java.util.Arrays.copyOfRange(offset, gi * mg, gi * mg + mg);
                gm[gi] = java.util.Arrays.copyOfRange(mult, gi * mg, gi * mg + mg);
            }
            return new Prepared(w, offset, mult, go, gm);
        });
        int n = x[0];
        int inHW = g.inHW();
        int outHW = g.outHW();
        int xs = c.inSlot(0);
        int ys = c.outSlot(0);
        Int8Kernels kern = c.int8Kernels();
        if (group == channels && m == channels && group > 1) {
            int[] bias = c.hasInput(2) ? c.requireConst(2, "bias").ints() : new int[m];
            return a -> {
                byte[] in = a.b(xs), out = a.b(ys);
                for (int b = 0; b < n; b++) {
                    for (int ch = 0; ch < channels; ch++) {
                        depthwisePlane(in, (b * channels + ch) * inHW, xZp, g, p.w, ch * g.kh() * g.kw(), bias[ch], p.mult[ch],
                                yZp, lo, hi, out, (b * m + ch) * outHW);
                    }
                }
            };
        }
        boolean pointwise = g.isPointwise();
        int colSlot = pointwise ? -1 : c.byteScratch(0, k * outHW);
        int accSlot = c.intScratch(0, mg * outHW);
        byte pad = (byte) xZp;
        return a -> {
            byte[] in = a.b(xs), out = a.b(ys);
            int[] acc = a.i(accSlot);
            byte[] col = pointwise ? in : a.b(colSlot);
            for (int b = 0; b < n; b++) {
                for (int gi = 0; gi < group; gi++) {
                    int xOff = (b * channels + gi * cg) * inHW;
                    int bOff = xOff;
                    if (!pointwise) {
                        Im2Col.im2col(in, xOff, cg, g.inH(), g.inW(), g.kh(), g.kw(), g.sh(), g.sw(), g.dh(), g.dw(),
                                g.padTop(), g.padLeft(), g.outH(), g.outW(), col, 0, pad);
                        bOff = 0;
                    }
                    kern.gemmS8U8(mg, outHW, k, p.w, gi * mg * k, k, col, bOff, outHW, acc, 0, outHW);
                    kern.requantizeRows(acc, 0, mg, outHW, p.groupOffset[gi], p.groupMult[gi], yZp, lo, hi, out, (b * m + gi * mg) * outHW);
                }
            }
        };
    }

    /** Direct depthwise int8 convolution of one plane: acc = bias + sum over in-bounds taps of w * (x - x_zp). */
    static void depthwisePlane(byte[] x, int xOff, int xZp, WindowGeometry g, byte[] w, int wOff, int bias, float mult,
                               int yZp, int lo, int hi, byte[] y, int yOff) {
        for (int oh = 0; oh < g.outH(); oh++) {
            for (int ow = 0; ow < g.outW(); ow++) {
                int acc = bias;
                for (int i = 0; i < g.kh(); i++) {
                    int ih = oh * g.sh() - g.padTop() + i * g.dh();
                    if (ih < 0 || ih >= g.inH()) continue;
                    for (int j = 0; j < g.kw(); j++) {
                        int iw = ow * g.sw() - g.padLeft() + j * g.dw();
                        if (iw < 0 || iw >= g.inW()) continue;
                        acc += w[wOff + i * g.kw() + j] * ((x[xOff + ih * g.inW() + iw] & 0xFF) - xZp);
                    }
                }
                y[yOff + oh * g.outW() + ow] = (byte) Requantizer.requantize(acc, mult, yZp, lo, hi);
            }
        }
    }
}
