package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.kernels.Int8Conv;
import org.quantlake.core.kernels.Int8ConvSpec;
import org.quantlake.core.kernels.Int8Kernels;
import org.quantlake.core.quant.Requantizer;

/**
 * int8 Conv (lowered from DequantizeLinear -> Conv [-> Relu/Clip] -> QuantizeLinear): uint8 input, int8 weights with
 * zero zero points (per channel or per tensor), int32 bias, uint8 output. The layer is prepared once per model by the
 * int8 kernels ({@link Int8Kernels#prepareConv}: weights packed in the implementation's layout) and each step runs
 * the whole batch in one call; the scratch it needs comes from the plan, so sessions never share it.
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

    @Override
    public Step compile(OpContext c) {
        int[] x = c.inShape(0);
        int[] wShape = c.inShape(1);
        var node = c.node();
        float xScale = QAttrs.f(node, QAttrs.X_SCALE);
        float yScale = QAttrs.f(node, QAttrs.Y_SCALE);
        float[] wScales = node.attrFloats(QAttrs.W_SCALES, null);
        int m = wShape[0];
        int group = (int) node.attrInt("group", 1);
        WindowGeometry g = Conv.geometry(c, x, wShape);
        Int8ConvSpec spec = new Int8ConvSpec(x[1], g.inH(), g.inW(), m, group, g.kh(), g.kw(), g.sh(), g.sw(), g.dh(),
                g.dw(), g.padTop(), g.padLeft(), g.outH(), g.outW(), QAttrs.i(node, QAttrs.X_ZP),
                QAttrs.i(node, QAttrs.Y_ZP), QAttrs.lo(node), QAttrs.hi(node));
        Int8Kernels kern = c.int8Kernels();
        // Keyed by the spec: plans for other input sizes need their own packing (the batch is not in the spec).
        Int8Conv conv = c.prepared("q" + spec, () -> {
            byte[] w = c.requireConst(1, "weights").bytes();
            int[] bias = c.hasInput(2) ? c.requireConst(2, "bias").ints() : new int[m];
            float[] mult = new float[m];
            for (int o = 0; o < m; o++) {
                mult[o] = Requantizer.multiplier(xScale, wScales[wScales.length == 1 ? 0 : o], yScale);
            }
            return kern.prepareConv(spec, w, bias, mult);
        });
        int n = x[0];
        int xs = c.inSlot(0);
        int ys = c.outSlot(0);
        int byteScratch = c.byteScratch(0, conv.scratchBytes(n));
        int intScratch = c.intScratch(0, conv.scratchInts(n));
        return a -> conv.run(a.b(xs), 0, n, a.b(ys), 0, a.b(byteScratch), a.i(intScratch));
    }
}
