package org.quantlake.core.graph;

/** Tensor element types, numbered as ONNX's {@code TensorProto.DataType}. */
public enum ElemType {
    UNDEFINED(0, 0),
    FLOAT(1, 4),
    UINT8(2, 1),
    INT8(3, 1),
    UINT16(4, 2),
    INT16(5, 2),
    INT32(6, 4),
    INT64(7, 8),
    STRING(8, 0),
    BOOL(9, 1),
    FLOAT16(10, 2),
    DOUBLE(11, 8),
    UINT32(12, 4),
    UINT64(13, 8),
    COMPLEX64(14, 8),
    COMPLEX128(15, 16),
    BFLOAT16(16, 2);

    private final int onnx;
    private final int bytes;

    ElemType(int onnx, int bytes) {
        this.onnx = onnx;
        this.bytes = bytes;
    }

    /** The ONNX TensorProto.DataType code. */
    public int onnxCode() { return onnx; }

    /** Bytes per element in ONNX raw_data (0 for variable-size types). */
    public int byteSize() { return bytes; }

    public static ElemType fromOnnx(int code) {
        for (ElemType t : values()) if (t.onnx == code) return t;
        return UNDEFINED;
    }
}
