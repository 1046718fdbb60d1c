package org.quantlake.spark.input;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * Decides per row whether it is in a sample, from a 64-bit hash of the row's key and a seed: the same rows are
 * chosen whatever the partitioning, the order, the number of executors or task retries (Spark's own
 * {@code sample()} draws per partition, so its choice changes with the partitioning).
 *
 * <p>The hash is part of the product's contract: changing it changes which rows every existing configuration
 * calibrates on. It reads the key in 8-byte little-endian words, mixes each with the MurmurHash3/SplitMix64
 * finaliser, starting from a mix of the seed and the key's length, and finalises again; the top 53 bits, as a fraction in [0, 1), must be
 * below the sampled fraction.
 */
public record RowSampler(double fraction, long seed) implements Serializable {
    private static final long K = 0x9E3779B97F4A7C15L;

    public RowSampler {
        if (!(fraction >= 0 && fraction <= 1)) throw new IllegalArgumentException("fraction must be in [0, 1], got " + fraction);
    }

    /** True when every row is kept (no hashing needed). */
    public boolean keepsAll() {
        return fraction >= 1.0;
    }

    /** Whether the row whose key hashes (with this sampler's seed) to {@code h} is in the sample. */
    public boolean keep(long h) {
        if (fraction >= 1.0) return true;
        if (fraction <= 0.0) return false;
        return (h >>> 11) * 0x1.0p-53 < fraction;
    }

    /** The hash of a key given as bytes. */
    public long hash(byte[] key) {
        return hash(key, 0, key.length, seed);
    }

    /** The hash of a text key (UTF-8). */
    public long hash(String key) {
        return hash(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The hash of a float tensor used as its own key: its IEEE bits, little-endian, as bytes. */
    public long hash(float[] tensor) {
        long h = start(seed, tensor.length * 4L);
        int i = 0;
        for (; i + 1 < tensor.length; i += 2) {
            long w = (Float.floatToRawIntBits(tensor[i]) & 0xFFFFFFFFL) | ((long) Float.floatToRawIntBits(tensor[i + 1]) << 32);
            h = step(h, w);
        }
        if (i < tensor.length) h = step(h, Float.floatToRawIntBits(tensor[i]) & 0xFFFFFFFFL);
        return mix(h);
    }

    static long hash(byte[] b, int off, int len, long seed) {
        long h = start(seed, len);
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            long w = 0;
            for (int j = 7; j >= 0; j--) w = (w << 8) | (b[off + i + j] & 0xFF);
            h = step(h, w);
        }
        if (i < len) {
            long w = 0;
            for (int j = len - 1; j >= i; j--) w = (w << 8) | (b[off + j] & 0xFF);
            h = step(h, w);
        }
        return mix(h);
    }

    /** The state before the first word: seed and length, mixed so that no (seed, key) pair hashes to 0 by itself. */
    private static long start(long seed, long length) {
        return mix(seed ^ 0x2545F4914F6CDD1DL) ^ (length * K);
    }

    private static long step(long h, long w) {
        return Long.rotateLeft(h ^ mix(w + K), 27) * 5 + 0x52DCE729L;
    }

    /** MurmurHash3's 64-bit finaliser: every input bit affects every output bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
