package org.quantlake.core.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.ModelException;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.onnx.proto.Onnx.StringStringEntryProto;
import org.quantlake.core.onnx.proto.Onnx.TensorProto;

/**
 * TensorProto &lt;-&gt; {@link TensorData}, trusting nothing: dims are range-checked and the element count is checked
 * against the bytes actually present before anything is allocated, so a declared dim of 2^40 is an error, not an
 * OutOfMemoryError. FLOAT16 and DOUBLE constants are converted to FLOAT (the engine computes in float32).
 */
public final class TensorProtos {
    /** Largest tensor accepted: 2^31 - 1 elements (Java arrays are int-indexed). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    private TensorProtos() {}

    /** Validated dims of a tensor, or a ModelException naming {@code what}. */
    static int[] checkedDims(java.util.List<Long> dims, String what) {
        int[] out = new int[dims.size()];
        long n = 1;
        for (int i = 0; i < out.length; i++) {
            long d = dims.get(i);
            if (d < 0 || d > MAX_ELEMENTS) {
                throw new ModelException(what + " declares dim " + d + " (at index " + i + " of " + dims + "), outside [0, 2^31-1]");
            }
            n *= d;
            if (n > MAX_ELEMENTS) {
                throw new ModelException(what + " declares dims " + dims + ": more than 2^31-1 elements");
            }
            out[i] = (int) d;
        }
        return out;
    }

    /**
     * Converts an initializer or constant. {@code baseDir} resolves external data (may be null: external data is
     * then refused).
     */
    public static TensorData toTensorData(TensorProto t, String what, Path baseDir) {
        int[] dims = checkedDims(t.getDimsList(), what);
        int n = 1;
        for (int d : dims) n *= d;
        ElemType type = ElemType.fromOnnx(t.getDataType());
        ByteString raw = t.hasRawData() ? t.getRawData() : null;
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            raw = readExternal(t, what, baseDir, (long) n * Math.max(1, type.byteSize()));
        }
        if (t.hasSegment()) throw new ModelException(what + ": segmented tensors are not supported");
        switch (type) {
            case FLOAT -> {
                float[] v = new float[checkCount(what, type, n, raw, t.getFloatDataCount())];
                if (raw != null) raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                else for (int i = 0; i < n; i++) v[i] = t.getFloatData(i);
                return TensorData.ofFloats(dims, v);
            }
            case DOUBLE -> {
                checkCount(what, type, n, raw, t.getDoubleDataCount());
                float[] v = new float[n];
                if (raw != null) {
                    var b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
                    for (int i = 0; i < n; i++) v[i] = (float) b.get(i);
                } else for (int i = 0; i < n; i++) v[i] = (float) t.getDoubleData(i);
                return TensorData.ofFloats(dims, v);
            }
            case FLOAT16 -> {
                checkCount(what, type, n, raw, t.getInt32DataCount());
                float[] v = new float[n];
                if (raw != null) {
                    var b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
                    for (int i = 0; i < n; i++) v[i] = halfToFloat(b.get(i));
                } else for (int i = 0; i < n; i++) v[i] = halfToFloat((short) t.getInt32Data(i));
                return TensorData.ofFloats(dims, v);
            }
            case INT64 -> {
                long[] v = new long[checkCount(what, type, n, raw, t.getInt64DataCount())];
                if (raw != null) raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
                else for (int i = 0; i < n; i++) v[i] = t.getInt64Data(i);
                return TensorData.ofLongs(dims, v);
            }
            case INT32 -> {
                int[] v = new int[checkCount(what, type, n, raw, t.getInt32DataCount())];
                if (raw != null) raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
                else for (int i = 0; i < n; i++) v[i] = t.getInt32Data(i);
                return TensorData.ofInts(dims, v);
            }
            case UINT8, INT8, BOOL -> {
                byte[] v = new byte[checkCount(what, type, n, raw, t.getInt32DataCount())];
                if (raw != null) raw.copyTo(v, 0);
                else for (int i = 0; i < n; i++) v[i] = (byte) t.getInt32Data(i);
                return TensorData.ofBytes(type, dims, v);
            }
            default -> throw new ModelException(what + " has element type " + type + " (" + t.getDataType() + "), which is not supported");
        }
    }

    private static int checkCount(String what, ElemType type, int n, ByteString raw, int typedCount) {
        if (raw != null) {
            long expected = (long) n * type.byteSize();
            if (raw.size() != expected) {
                throw new ModelException(what + ": " + type + " dims need " + expected + " bytes of raw_data, found " + raw.size());
            }
        } else if (typedCount != n) {
            throw new ModelException(what + ": dims need " + n + " " + type + " values, found " + typedCount);
        }
        return n;
    }

    private static ByteString readExternal(TensorProto t, String what, Path baseDir, long expectedBytes) {
        if (baseDir == null) throw new ModelException(what + " stores its data in an external file, but the model was not read from a file");
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(e.getValue(), what, "offset");
                case "length" -> length = parseLong(e.getValue(), what, "length");
                default -> { }
            }
        }
        if (location == null) throw new ModelException(what + ": external data without a location");
        Path p = baseDir.resolve(location).normalize();
        if (Path.of(location).isAbsolute() || !p.startsWith(baseDir.normalize())) {
            throw new ModelException(what + ": external data location '" + location + "' points outside the model's folder");
        }
        if (length < 0) length = expectedBytes;
        if (length != expectedBytes) {
            throw new ModelException(what + ": external data length " + length + " does not match the " + expectedBytes + " bytes its dims need");
        }
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            if (offset < 0 || offset + length > f.length()) {
                throw new ModelException(what + ": external data [" + offset + ", " + (offset + length) + ") lies outside " + p + " (" + f.length() + " bytes)");
            }
            byte[] b = new byte[(int) length];
            f.seek(offset);
            f.readFully(b);
            return ByteString.copyFrom(b);
        } catch (IOException e) {
            throw new ModelException(what + ": cannot read external data " + p + ": " + e.getMessage(), e);
        }
    }

    private static long parseLong(String s, String what, String key) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ModelException(what + ": external data " + key + " '" + s + "' is not a number");
        }
    }

    /** IEEE 754 binary16 -> float32. */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        if (exp == 0) {
            if (mant == 0) return Float.intBitsToFloat(sign);
            float v = mant * 0x1p-24f;  // subnormal: mant * 2^-24
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** TensorData -> TensorProto (raw_data, little-endian). */
    public static TensorProto toProto(String name, TensorData t) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(t.type().onnxCode());
        for (int d : t.dims()) b.addDims(d);
        int n = t.size();
        ByteBuffer buf = ByteBuffer.allocate(n * t.type().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.type()) {
            case FLOAT -> buf.asFloatBuffer().put(t.floats());
            case INT64 -> buf.asLongBuffer().put(t.longs());
            case INT32 -> buf.asIntBuffer().put(t.ints());
            case UINT8, INT8, BOOL -> buf.put(t.bytes());
            default -> throw new IllegalArgumentException("cannot write " + t.type());
        }
        return b.setRawData(ByteString.copyFrom(buf.array())).build();
    }

    static String dimsString(int[] d) {
        return Arrays.toString(d);
    }
}
