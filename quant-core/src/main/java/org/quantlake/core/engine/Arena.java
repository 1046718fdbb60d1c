package org.quantlake.core.engine;

/**
 * One session's storage for one {@link Plan}: a buffer per plan slot (float[], byte[] or int[]), allocated once and
 * reused by every batch of that size. Constant slots point at shared read-only model data.
 */
public final class Arena {
    final Object[] buffers;

    Arena(Object[] buffers) {
        this.buffers = buffers;
    }

    public float[] f(int slot) { return (float[]) buffers[slot]; }

    public byte[] b(int slot) { return (byte[]) buffers[slot]; }

    public int[] i(int slot) { return (int[]) buffers[slot]; }
}
