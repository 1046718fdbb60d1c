package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.kernels.Int8MaxPoolPlane;
import org.quantlake.core.quant.Requantizer;
import org.quantlake.core.tensor.Shapes;

/**
 * int8 pools on uint8 NCHW data.
 * <ul>
 *   <li>MaxPool: input and output share (scale, zero point), so the max of the bytes is the max of the values.</li>
 *   <li>GlobalAveragePool, as ONNX Runtime's QLinearGlobalAveragePool: {@code acc = sum(x) - x_zp * HW},
 *       {@code y = requantize(acc, x_scale / (y_scale * HW))}.</li>
 *   <li>AveragePool: {@code acc = sum over the window's real inputs of (x - x_zp)}, divided by the ONNX count
 *       (real inputs, or the window clipped to the padded input with count_include_pad):
 *       {@code y = requantize(acc, x_scale / (y_scale * count))}.</li>
 * </ul>
 */
final class QPool extends OpDef {
    enum Kind { MAX, AVERAGE, GLOBAL_AVERAGE }

    private final Kind kind;

    QPool(Kind kind) {
        this.kind = kind;
    }

    @Override
    public ElemType outputType(OpContext c, int i) { return ElemType.UINT8; }

    @Override
    public int[][] inferShapes(OpContext c) {
        return kind == Kind.GLOBAL_AVERAGE ? new GlobalPool(false).inferShapes(c) : new Pool(kind == Kind.MAX).inferShapes(c);
    }

    @Override
    public Step compile(OpContext c) {
        int[] x = c.inShape(0);
        int planes = x[0] * x[1];
        int xs = c.inSlot(0);
        int ys = c.outSlot(0);
        var node = c.node();
        if (kind == Kind.GLOBAL_AVERAGE) {
            int hw = Shapes.product(x, 2, x.length);
            int xz = QAttrs.i(node, QAttrs.X_ZP);
            int yz = QAttrs.i(node, QAttrs.Y_ZP);
            float mult = QAttrs.f(node, QAttrs.X_SCALE) / (QAttrs.f(node, QAttrs.Y_SCALE) * (float) hw);
            int lo = QAttrs.lo(node);
            int hi = QAttrs.hi(node);
            return a -> {
                byte[] in = a.b(xs), out = a.b(ys);
                for (int p = 0; p < planes; p++) {
                    int sum = 0;
                    for (int i = p * hw, e = i + hw; i < e; i++) sum += in[i] & 0xFF;
                    out[p] = (byte) Requantizer.requantize(sum - xz * hw, mult, yz, lo, hi);
                }
            };
        }
        Pool pool = new Pool(kind == Kind.MAX);
        WindowGeometry g = pool.geometry(c);
        int inHW = g.inHW();
        int outHW = g.outHW();
        if (kind == Kind.MAX) {
            Int8MaxPoolPlane max = new Int8MaxPoolPlane(g.inH(), g.inW(), g.kh(), g.kw(), g.sh(), g.sw(), g.dh(), g.dw(),
                    g.padTop(), g.padLeft(), g.outH(), g.outW());
            int scratchSlot = c.byteScratch(0, max.scratchSize());
            org.quantlake.core.kernels.Int8Kernels kern = c.int8Kernels();
            return a -> {
                byte[] in = a.b(xs), out = a.b(ys);
                byte[] scratch = a.b(scratchSlot);
                max.planes(kern, in, 0, planes, out, 0, scratch);
            };
        }
        boolean includePad = node.attrInt("count_include_pad", 0) != 0;
        int xz = QAttrs.i(node, QAttrs.X_ZP);
        int yz = QAttrs.i(node, QAttrs.Y_ZP);
        float ratio = QAttrs.f(node, QAttrs.X_SCALE) / QAttrs.f(node, QAttrs.Y_SCALE);
        int lo = QAttrs.lo(node);
        int hi = QAttrs.hi(node);
        return a -> {
            byte[] in = a.b(xs), out = a.b(ys);
            for (int p = 0; p < planes; p++) avgPlane(in, p * inHW, g, includePad, xz, ratio, yz, lo, hi, out, p * outHW);
        };
    }

    static void avgPlane(byte[] x, int xOff, WindowGeometry g, boolean includePad, int xz, float ratio, int yz, int lo, int hi,
                         byte[] y, int yOff) {
        int padBottomEdge = g.inH() + g.padBottom();
        int padRightEdge = g.inW() + g.padRight();
        for (int oh = 0; oh < g.outH(); oh++) {
            for (int ow = 0; ow < g.outW(); ow++) {
                int acc = 0;
                int count = 0;
                int padded = 0;
                for (int i = 0; i < g.kh(); i++) {
                    int ih = oh * g.sh() - g.padTop() + i * g.dh();
                    for (int j = 0; j < g.kw(); j++) {
                        int iw = ow * g.sw() - g.padLeft() + j * g.dw();
                        if (ih < padBottomEdge && iw < padRightEdge) padded++;
                        if (ih < 0 || ih >= g.inH() || iw < 0 || iw >= g.inW()) continue;
                        acc += (x[xOff + ih * g.inW() + iw] & 0xFF) - xz;
                        count++;
                    }
                }
                int div = includePad ? padded : count;
                y[yOff + oh * g.outW() + ow] = div == 0 ? (byte) yz : (byte) Requantizer.requantize(acc, ratio / div, yz, lo, hi);
            }
        }
    }
}
