package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.kernels.DefaultInt8Kernels;
import org.quantlake.core.kernels.Int8Kernels;

/**
 * int8 Add (lowered from DQ(a), DQ(b) -> Add [-> Relu] -> Q), computed exactly as that QDQ unit defines it, in
 * float32: {@code y = saturate(rint(((a - a_zp) * a_scale + (b - b_zp) * b_scale) / y_scale) + y_zp)}, clamped to the
 * fused activation's bounds; multidirectional broadcasting. (A ratio form, {@code (a - a_zp) * (a_scale / y_scale)
 * + ...}, rounds differently near ties, and ONNX Runtime agrees with the QDQ definition: measured.)
 */
final class QAdd extends OpDef {

    @Override
    public ElemType outputType(OpContext c, int i) { return ElemType.UINT8; }

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] out = Broadcast.shape(c.requireShape(0), c.requireShape(1));
        if (out == null) throw c.fail("shapes do not broadcast");
        return new int[][] {out};
    }

    @Override
    public Step compile(OpContext c) {
        var node = c.node();
        float sa = QAttrs.f(node, QAttrs.X_SCALE);
        float sb = QAttrs.f(node, QAttrs.B_SCALE);
        float sy = QAttrs.f(node, QAttrs.Y_SCALE);
        int za = QAttrs.i(node, QAttrs.X_ZP);
        int zb = QAttrs.i(node, QAttrs.B_ZP);
        int zy = QAttrs.i(node, QAttrs.Y_ZP);
        int lo = QAttrs.lo(node);
        int hi = QAttrs.hi(node);
        Broadcast.Plan p = Broadcast.plan(c.inShape(0), c.inShape(1), c.outShape(0));
        int as = c.inSlot(0);
        int bs = c.inSlot(1);
        int ys = c.outSlot(0);
        if (p.dims().length == 1 && p.strideA()[0] == 1 && p.strideB()[0] == 1) {
            // same shapes (residual adds): the int8 kernels' elementwise loop, the same definition vectorised
            int n = p.dims()[0];
            Int8Kernels kern = c.int8Kernels();
            return x -> kern.addU8(n, x.b(as), 0, sa, za, x.b(bs), 0, sb, zb, sy, zy, lo, hi, x.b(ys), 0);
        }
        return x -> {
            byte[] av = x.b(as), bv = x.b(bs), y = x.b(ys);
            Binary.forEach(p, (o, ia, ib) ->
                    y[o] = DefaultInt8Kernels.addU8Value(av[ia], sa, za, bv[ib], sb, zb, sy, zy, lo, hi));
        };
    }
}
