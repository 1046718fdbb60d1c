package org.quantlake.spark.exec;

import java.util.Arrays;

/**
 * Rows gathered into one engine input of exactly {@code capacity} samples. A partition's last batch is usually
 * short: {@link #padded()} zero-fills the unused samples, so every forward pass runs at the configured batch size
 * (the float engine's rounding may depend on the batch size; results must not depend on how partitions cut batches).
 * Callers use only the first {@link #size()} samples of each result.
 */
public final class FixedBatch {
    private final int capacity;
    private final int sampleSize;
    private final float[] buffer;
    private int size;

    public FixedBatch(int capacity, int sampleSize) {
        if (capacity < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + capacity);
        this.capacity = capacity;
        this.sampleSize = sampleSize;
        this.buffer = new float[Math.multiplyExact(capacity, sampleSize)];
    }

    /** Copies one sample in; returns true when the batch is now full. */
    public boolean add(float[] sample) {
        if (size == capacity) throw new IllegalStateException("batch is full");
        System.arraycopy(sample, 0, buffer, size * sampleSize, sampleSize);
        return ++size == capacity;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The engine input: the samples added, then zeros up to the capacity. */
    public float[] padded() {
        Arrays.fill(buffer, size * sampleSize, buffer.length, 0f);
        return buffer;
    }

    /** Empties the batch for reuse. */
    public void clear() {
        size = 0;
    }
}
