package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.quant.QuantDType;
import org.quantlake.core.quant.Quantization;
import org.quantlake.core.tensor.Shapes;

/**
 * int8 Concat. Inputs sharing the output's (scale, zero point), the usual case since calibration gives Concat inputs
 * and output one observer, are copied as bytes; others are requantized as DequantizeLinear then QuantizeLinear would.
 */
final class QConcat extends OpDef {

    @Override
    public ElemType outputType(OpContext c, int i) { return ElemType.UINT8; }

    @Override
    public int[][] inferShapes(OpContext c) {
        return new Concat().inferShapes(c);
    }

    @Override
    public Step compile(OpContext c) {
        var node = c.node();
        int[] out = c.outShape(0);
        int ax = Concat.axis(c, out.length);
        int outer = Shapes.product(out, 0, ax);
        int inner = Shapes.product(out, ax + 1, out.length);
        float[] scales = node.attrFloats(QAttrs.IN_SCALES, null);
        int[] zps = node.attrInts(QAttrs.IN_ZPS, null);
        float ys = QAttrs.f(node, QAttrs.Y_SCALE);
        int yz = QAttrs.i(node, QAttrs.Y_ZP);
        int k = c.inputCount();
        int[] slots = new int[k];
        int[] chunks = new int[k];
        boolean[] copy = new boolean[k];
        for (int i = 0; i < k; i++) {
            slots[i] = c.inSlot(i);
            chunks[i] = c.inShape(i)[ax] * inner;
            copy[i] = scales[i] == ys && zps[i] == yz;
        }
        int ySlot = c.outSlot(0);
        return a -> {
            byte[] y = a.b(ySlot);
            int pos = 0;
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < k; i++) {
                    byte[] x = a.b(slots[i]);
                    int from = o * chunks[i];
                    if (copy[i]) {
                        System.arraycopy(x, from, y, pos, chunks[i]);
                    } else {
                        for (int e = 0; e < chunks[i]; e++) {
                            float v = Quantization.dequantize(x[from + e] & 0xFF, scales[i], zps[i]);
                            y[pos + e] = (byte) Quantization.quantize(v, ys, yz, QuantDType.QUINT8);
                        }
                    }
                    pos += chunks[i];
                }
            }
        };
    }
}
