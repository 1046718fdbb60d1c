package org.quantlake.core.graph;

import java.util.Arrays;
import java.util.Objects;
import org.quantlake.core.tensor.Shapes;

/**
 * A constant tensor (initializer, Constant node value, folded shape arithmetic). Storage by type:
 * FLOAT -> float[], INT64 -> long[], INT32 -> int[], UINT8 / INT8 / BOOL -> byte[]. Treated as immutable: callers
 * must not modify the arrays they get.
 */
public final class TensorData {
    private final ElemType type;
    private final int[] dims;
    private final Object data;

    private TensorData(ElemType type, int[] dims, Object data, int length) {
        this.type = Objects.requireNonNull(type);
        this.dims = dims.clone();
        int size = Shapes.size(this.dims);
        if (length != size) {
            throw new IllegalArgumentException(type + " tensor of dims " + Arrays.toString(dims) + " needs " + size + " values, got " + length);
        }
        this.data = data;
    }

    public static TensorData ofFloats(int[] dims, float[] v) { return new TensorData(ElemType.FLOAT, dims, v, v.length); }

    public static TensorData ofLongs(int[] dims, long[] v) { return new TensorData(ElemType.INT64, dims, v, v.length); }

    public static TensorData ofInts(int[] dims, int[] v) { return new TensorData(ElemType.INT32, dims, v, v.length); }

    /** UINT8, INT8 or BOOL bytes. */
    public static TensorData ofBytes(ElemType type, int[] dims, byte[] v) {
        if (type != ElemType.UINT8 && type != ElemType.INT8 && type != ElemType.BOOL) {
            throw new IllegalArgumentException("byte storage is for UINT8, INT8 and BOOL, not " + type);
        }
        return new TensorData(type, dims, v, v.length);
    }

    /** A rank-0 float. */
    public static TensorData scalar(float v) { return ofFloats(new int[0], new float[] {v}); }

    public ElemType type() { return type; }

    public int[] dims() { return dims.clone(); }

    public int rank() { return dims.length; }

    public int dim(int i) { return dims[i]; }

    public int size() { return Shapes.size(dims); }

    public float[] floats() { return (float[]) require(ElemType.FLOAT); }

    public long[] longs() { return (long[]) require(ElemType.INT64); }

    public int[] ints() { return (int[]) require(ElemType.INT32); }

    public byte[] bytes() {
        if (!(data instanceof byte[] b)) throw new IllegalStateException("tensor of type " + type + " has no byte storage");
        return b;
    }

    /** Values of an integer tensor (INT64, INT32, UINT8, INT8, BOOL) as longs; used for shape arithmetic. */
    public long[] asLongs() {
        return switch (type) {
            case INT64 -> ((long[]) data).clone();
            case INT32 -> Arrays.stream((int[]) data).asLongStream().toArray();
            case UINT8, BOOL -> { byte[] b = (byte[]) data; long[] o = new long[b.length]; for (int i = 0; i < b.length; i++) o[i] = b[i] & 0xFF; yield o; }
            case INT8 -> { byte[] b = (byte[]) data; long[] o = new long[b.length]; for (int i = 0; i < b.length; i++) o[i] = b[i]; yield o; }
            case FLOAT -> { float[] f = (float[]) data; long[] o = new long[f.length]; for (int i = 0; i < f.length; i++) o[i] = (long) f[i]; yield o; }
            default -> throw new IllegalStateException("no integer view of " + type);
        };
    }

    /** Values as floats (any numeric type). */
    public float[] asFloats() {
        return switch (type) {
            case FLOAT -> ((float[]) data).clone();
            case INT64 -> { long[] l = (long[]) data; float[] o = new float[l.length]; for (int i = 0; i < l.length; i++) o[i] = l[i]; yield o; }
            case INT32 -> { int[] l = (int[]) data; float[] o = new float[l.length]; for (int i = 0; i < l.length; i++) o[i] = l[i]; yield o; }
            case UINT8, BOOL -> { byte[] b = (byte[]) data; float[] o = new float[b.length]; for (int i = 0; i < b.length; i++) o[i] = b[i] & 0xFF; yield o; }
            case INT8 -> { byte[] b = (byte[]) data; float[] o = new float[b.length]; for (int i = 0; i < b.length; i++) o[i] = b[i]; yield o; }
            default -> throw new IllegalStateException("no float view of " + type);
        };
    }

    /** The same values with new dims (same element count). */
    public TensorData reshape(int[] newDims) {
        return new TensorData(type, newDims, data, size());  // the constructor refuses a different element count
    }

    private Object require(ElemType t) {
        if (type != t) throw new IllegalStateException("tensor is " + type + ", not " + t);
        return data;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TensorData t) || t.type != type || !Arrays.equals(dims, t.dims)) return false;
        return switch (type) {
            case FLOAT -> Arrays.equals((float[]) data, (float[]) t.data);
            case INT64 -> Arrays.equals((long[]) data, (long[]) t.data);
            case INT32 -> Arrays.equals((int[]) data, (int[]) t.data);
            default -> Arrays.equals((byte[]) data, (byte[]) t.data);
        };
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return type + Arrays.toString(dims);
    }
}
