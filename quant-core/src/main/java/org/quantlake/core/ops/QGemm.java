package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.kernels.Int8Kernels;
import org.quantlake.core.kernels.Int8Linear;
import org.quantlake.core.kernels.Int8LinearSpec;
import org.quantlake.core.quant.Requantizer;

/**
 * int8 Gemm / 2-D MatMul (lowered from DQ -> Gemm|MatMul [-> Relu] -> Q): uint8 A [M x K], int8 B constant with zero
 * zero points (per output column or per tensor), optional int32 bias C [N], uint8 output [M x N]. B is laid out once
 * as row-major [K x N]; {@code offset[j] = C[j] - a_zp * sum_k B[k][j]}; requantized per column.
 */
final class QGemm extends OpDef {

    @Override
    public ElemType outputType(OpContext c, int i) { return ElemType.UINT8; }

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] a = c.requireShape(0);
        int[] b = c.requireShape(1);
        boolean tb = c.node().attrInt("transB", 0) != 0;
        int k = a[a.length - 1];
        int kb = tb ? b[1] : b[0];
        int n = tb ? b[0] : b[1];
        if (k != kb) throw c.fail("inner dims differ: " + OpContext.str(a) + " x " + OpContext.str(b));
        int[] out = a.clone();
        out[out.length - 1] = n;
        return new int[][] {out};
    }

    @Override
    public Step compile(OpContext c) {
        int[] a = c.inShape(0);
        int[] b = c.inShape(1);
        var node = c.node();
        boolean tb = node.attrInt("transB", 0) != 0;
        int m = org.quantlake.core.tensor.Shapes.product(a, 0, a.length - 1);
        int k = a[a.length - 1];
        int n = tb ? b[0] : b[1];
        float aScale = QAttrs.f(node, QAttrs.X_SCALE);
        float yScale = QAttrs.f(node, QAttrs.Y_SCALE);
        float[] wScales = node.attrFloats(QAttrs.W_SCALES, null);
        Int8LinearSpec spec = new Int8LinearSpec(k, n, QAttrs.i(node, QAttrs.X_ZP), QAttrs.i(node, QAttrs.Y_ZP),
                QAttrs.lo(node), QAttrs.hi(node));
        Int8Kernels kern = c.int8Kernels();
        Int8Linear linear = c.prepared("q" + spec, () -> {
            byte[] raw = c.requireConst(1, "weights").bytes();
            byte[] kn = new byte[k * n];
            for (int kk = 0; kk < k; kk++) {
                for (int j = 0; j < n; j++) kn[kk * n + j] = tb ? raw[j * k + kk] : raw[kk * n + j];
            }
            int[] bias = c.hasInput(2) ? c.requireConst(2, "bias").ints() : new int[n];
            int[] fullBias = new int[n];
            float[] mult = new float[n];
            for (int j = 0; j < n; j++) {
                fullBias[j] = bias[bias.length == 1 ? 0 : j];
                mult[j] = Requantizer.multiplier(aScale, wScales[wScales.length == 1 ? 0 : j], yScale);
            }
            return kern.prepareLinear(spec, kn, fullBias, mult);
        });
        int as = c.inSlot(0);
        int ys = c.outSlot(0);
        int byteScratch = c.byteScratch(0, linear.scratchBytes(m));
        int intScratch = c.intScratch(0, linear.scratchInts(m));
        return x -> linear.run(m, x.b(as), 0, x.b(ys), 0, x.b(byteScratch), x.i(intScratch));
    }
}
