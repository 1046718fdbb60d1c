package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.quant.QParams;
import org.quantlake.core.quant.QuantDType;
import org.quantlake.core.quant.Quantization;

/**
 * ONNX QuantizeLinear: float -> uint8 / int8 (the zero point's type; uint8 when absent), per tensor or per axis,
 * exactly {@link Quantization#quantize}. Runtime outputs are byte slots.
 */
final class QuantizeLinear extends OpDef {

    @Override
    public void check(Node node, int opset) {
        if (node.has("output_dtype") && node.attrInt("output_dtype", 0) != 0
                && node.attrInt("output_dtype", 0) != ElemType.UINT8.onnxCode() && node.attrInt("output_dtype", 0) != ElemType.INT8.onnxCode()) {
            throw OpContext.unsupported(node, opset, "output_dtype " + node.attrInt("output_dtype", 0) + " is not supported (uint8, int8)");
        }
    }

    private static QuantDType dtype(OpContext c) {
        if (c.hasInput(2)) return QdqParams.dtypeOf(c.inType(2), c);
        long od = c.node().attrInt("output_dtype", 0);
        return od == ElemType.INT8.onnxCode() ? QuantDType.QINT8 : QuantDType.QUINT8;
    }

    @Override
    public ElemType outputType(OpContext c, int i) {
        return dtype(c) == QuantDType.QINT8 ? ElemType.INT8 : ElemType.UINT8;
    }

    @Override
    public int[][] inferShapes(OpContext c) {
        return new int[][] {c.requireShape(0)};
    }

    @Override
    public TensorData[] fold(OpContext c) {
        TensorData x = c.inConst(0);
        if (x == null) return null;
        QuantDType dt = dtype(c);
        QParams q = QdqParams.read(c, 1, 2, dt, x.rank());
        byte[] b = Quantization.quantize(x.asFloats(), x.dims(), q);
        return new TensorData[] {TensorData.ofBytes(dt == QuantDType.QINT8 ? ElemType.INT8 : ElemType.UINT8, x.dims(), b)};
    }

    @Override
    public Step compile(OpContext c) {
        int[] shape = c.inShape(0);
        QuantDType dt = dtype(c);
        QParams q = QdqParams.read(c, 1, 2, dt, shape.length);
        int xs = c.inSlot(0);
        int ys = c.outSlot(0);
        int n = org.quantlake.core.tensor.Shapes.size(shape);
        if (!q.isPerChannel()) {
            float s = q.scale();
            int z = q.zeroPoint();
            org.quantlake.core.kernels.Int8Kernels kern = c.int8Kernels();
            boolean signed = dt == QuantDType.QINT8;
            return a -> kern.quantize(n, a.f(xs), 0, s, z, signed, a.b(ys), 0);
        }
        return a -> {
            byte[] out = Quantization.quantize(java.util.Arrays.copyOf(a.f(xs), n), shape, q);
            System.arraycopy(out, 0, a.b(ys), 0, n);
        };
    }
}
