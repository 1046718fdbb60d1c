package org.quantlake.core.ops;

import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.quant.QParams;
import org.quantlake.core.quant.QuantDType;

/** Reads the (scale, zero point[, axis]) operands of a QuantizeLinear / DequantizeLinear node into {@link QParams}. */
final class QdqParams {
    private QdqParams() {}

    static QuantDType dtypeOf(ElemType t, OpContext c) {
        return switch (t) {
            case UINT8 -> QuantDType.QUINT8;
            case INT8 -> QuantDType.QINT8;
            case INT32 -> QuantDType.QINT32;
            default -> throw c.unsupported("quantized type " + t + " is not supported (uint8, int8, int32)");
        };
    }

    /**
     * @param scaleIdx input index of the scale
     * @param zpIdx    input index of the optional zero point
     * @param dtype    the quantized type (from the zero point, the data, or the default uint8)
     * @param rank     rank of the quantized tensor, to normalise the axis
     */
    static QParams read(OpContext c, int scaleIdx, int zpIdx, QuantDType dtype, int rank) {
        TensorData s = c.requireConst(scaleIdx, "scale");
        float[] scales = s.asFloats();
        int[] zps = new int[scales.length];
        if (c.hasInput(zpIdx)) {
            long[] z = c.requireConst(zpIdx, "zero point").asLongs();
            if (z.length != scales.length) throw c.fail("zero point has " + z.length + " values, scale has " + scales.length);
            for (int i = 0; i < z.length; i++) zps[i] = (int) z[i];
        }
        if (c.node().has("block_size") && c.node().attrInt("block_size", 0) != 0) throw c.unsupported("blocked quantization is not supported");
        if (scales.length == 1) return QParams.perTensor(dtype, scales[0], zps[0]);
        int axis = (int) c.node().attrInt("axis", 1);
        if (axis < 0) axis += rank;
        if (axis < 0 || axis >= rank) throw c.fail("axis " + c.node().attrInt("axis", 1) + " out of range for rank " + rank);
        return QParams.perChannel(dtype, axis, scales, zps);
    }
}
