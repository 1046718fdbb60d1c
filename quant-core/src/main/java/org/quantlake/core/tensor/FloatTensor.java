package org.quantlake.core.tensor;

import java.util.Objects;

/**
 * A dense row-major float32 tensor: a view of {@code data} starting at {@code offset} with the given shape.
 * The view does not copy; the engine reuses its buffers across batches, so a consumer that keeps values
 * beyond the call that handed it the tensor must copy them.
 */
public final class FloatTensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int size;

    public FloatTensor(float[] data, int offset, int[] shape) {
        this.data = Objects.requireNonNull(data, "data");
        this.shape = shape.clone();
        this.size = Shapes.size(this.shape);
        if (offset < 0 || (long) offset + size > data.length) {
            throw new IllegalArgumentException("tensor of shape " + Shapes.toString(shape) + " at offset " + offset
                    + " does not fit a buffer of " + data.length + " floats");
        }
        this.offset = offset;
    }

    public FloatTensor(float[] data, int[] shape) {
        this(data, 0, shape);
    }

    /** A 1-D tensor over the whole array. */
    public static FloatTensor of(float... values) {
        return new FloatTensor(values, 0, new int[] {values.length});
    }

    public float[] data() { return data; }
    public int offset() { return offset; }
    public int[] shape() { return shape.clone(); }
    public int rank() { return shape.length; }
    public int dim(int i) { return shape[i]; }
    public int size() { return size; }

    /** A copy of the viewed values. */
    public float[] toArray() {
        float[] out = new float[size];
        System.arraycopy(data, offset, out, 0, size);
        return out;
    }

    @Override
    public String toString() {
        return "FloatTensor" + Shapes.toString(shape);
    }
}
