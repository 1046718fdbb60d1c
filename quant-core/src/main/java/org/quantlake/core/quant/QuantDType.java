package org.quantlake.core.quant;

/**
 * Quantized integer types and their ranges.
 * <pre>
 *   QUINT8   [0, 255]                 (activations, default)
 *   QINT8    [-128, 127]              (weights, and activations on request)
 *   QINT32   [-2^31, 2^31 - 1]        (biases: scale = in_scale * w_scale, zero point 0)
 * </pre>
 * With {@code reduceRange} the 8-bit types use one bit less, as PyTorch's {@code reduce_range}:
 * QUINT8 [0, 127], QINT8 [-64, 63]. It keeps u8 x s8 products summed in pairs inside int16, which the
 * AVX2 {@code vpmaddubsw} instruction needs to avoid saturation. QINT32 has no reduced range.
 */
public enum QuantDType {
    QUINT8(0, 255, 2),
    QINT8(-128, 127, 3),
    QINT32(Integer.MIN_VALUE, Integer.MAX_VALUE, 6);

    private final int qmin;
    private final int qmax;
    private final int onnxType;

    QuantDType(int qmin, int qmax, int onnxType) {
        this.qmin = qmin;
        this.qmax = qmax;
        this.onnxType = onnxType;
    }

    /** Smallest representable value (full range). */
    public int qmin() { return qmin; }

    /** Largest representable value (full range). */
    public int qmax() { return qmax; }

    /** Smallest value used when choosing qparams, honouring the 7-bit {@code reduceRange} option. */
    public int qmin(boolean reduceRange) {
        if (!reduceRange || this == QINT32) return qmin;
        return this == QUINT8 ? 0 : -64;
    }

    /** Largest value used when choosing qparams, honouring the 7-bit {@code reduceRange} option. */
    public int qmax(boolean reduceRange) {
        if (!reduceRange || this == QINT32) return qmax;
        return this == QUINT8 ? 127 : 63;
    }

    /** The ONNX {@code TensorProto.DataType} code (UINT8 = 2, INT8 = 3, INT32 = 6). */
    public int onnxType() { return onnxType; }

    public boolean isSigned() { return this != QUINT8; }
}
