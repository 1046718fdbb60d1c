package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.quant.QParams;
import org.quantlake.core.quant.QuantDType;
import org.quantlake.core.tensor.Shapes;

/**
 * ONNX DequantizeLinear: uint8 / int8 / int32 -> float, {@code (x - zero_point) * scale}, per tensor or per axis.
 * Constant inputs (quantized weights and biases of a QDQ model) fold to float constants.
 */
final class DequantizeLinear extends OpDef {

    @Override
    public int[][] inferShapes(OpContext c) {
        return new int[][] {c.requireShape(0)};
    }

    private static float[] dequantize(long[] q, int[] shape, QParams p) {
        float[] out = new float[q.length];
        if (!p.isPerChannel()) {
            float s = p.scale();
            int z = p.zeroPoint();
            for (int i = 0; i < q.length; i++) out[i] = (float) (q[i] - z) * s;
            return out;
        }
        int outer = Shapes.product(shape, 0, p.axis());
        int ch = shape[p.axis()];
        int inner = Shapes.product(shape, p.axis() + 1, shape.length);
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < ch; k++) {
                float s = p.scale(k);
                int z = p.zeroPoint(k);
                int base = (o * ch + k) * inner;
                for (int i = base; i < base + inner; i++) out[i] = (float) (q[i] - z) * s;
            }
        }
        return out;
    }

    @Override
    public TensorData[] fold(OpContext c) {
        TensorData x = c.inConst(0);
        if (x == null) return null;
        QParams p = QdqParams.read(c, 1, 2, QdqParams.dtypeOf(x.type(), c), x.rank());
        if (p.isPerChannel() && x.dim(p.axis()) != p.channels()) {
            throw c.fail("per-axis parameters have " + p.channels() + " values for dim " + x.dim(p.axis()));
        }
        return new TensorData[] {TensorData.ofFloats(x.dims(), dequantize(x.asLongs(), x.dims(), p))};
    }

    @Override
    public Step compile(OpContext c) {
        int[] shape = c.inShape(0);
        ElemType t = c.inType(0);
        QParams p = QdqParams.read(c, 1, 2, QdqParams.dtypeOf(t, c), shape.length);
        int xs = c.inSlot(0);
        int ys = c.outSlot(0);
        int n = Shapes.size(shape);
        if (!p.isPerChannel() && t != ElemType.INT32) {
            float s = p.scale();
            int z = p.zeroPoint();
            boolean unsigned = t == ElemType.UINT8;
            return a -> {
                byte[] x = a.b(xs);
                float[] y = a.f(ys);
                if (unsigned) for (int i = 0; i < n; i++) y[i] = (float) ((x[i] & 0xFF) - z) * s;
                else for (int i = 0; i < n; i++) y[i] = (float) (x[i] - z) * s;
            };
        }
        return a -> {
            long[] q = new long[n];
            if (t == ElemType.INT32) {
                int[] x = a.i(xs);
                for (int i = 0; i < n; i++) q[i] = x[i];
            } else {
                byte[] x = a.b(xs);
                for (int i = 0; i < n; i++) q[i] = t == ElemType.UINT8 ? x[i] & 0xFF : x[i];
            }
            System.arraycopy(dequantize(q, shape, p), 0, a.f(ys), 0, n);
        };
    }
}
