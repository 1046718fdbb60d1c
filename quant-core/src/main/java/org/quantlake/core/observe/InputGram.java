package org.quantlake.core.observe;

import java.util.Arrays;

/**
 * The Gram matrix {@code sum over columns of x x^T} of the input columns a weight layer multiplies (im2col columns of a
 * Conv, input rows of a Gemm), kept as exact integers so that it merges like every other calibration summary: states
 * observed whole, or in any pieces merged in any order, are bit-identical. GPTQ weight rounding
 * ({@code ptq.GptqRounding}) reads it as the layer's Hessian.
 *
 * <p>Why integers: a float sum depends on the order of its terms, and Spark gives no order. Each input value is put on
 * a fixed grid {@code x ~ step * v}, {@code v = rint(x / step)} clamped to [-255, 255], where {@code step} comes from
 * the merged pass-1 range ({@link #stepFor}); products of two such integers and their sums over columns are exact in
 * 64 bits. The grid is as fine as the uint8 activations the quantized layer will read, which is precise enough for a
 * Hessian. A non-finite value counts as 0 (NaN) or saturates (Inf); the calibration's range observers report them.
 *
 * <pre>
 * serial form (big-endian), inside a calibration state:
 *   1 byte   format version (1)
 *   4 bytes  column length k
 *   4 bytes  f32 grid step
 *   8 bytes  columns observed
 *   k(k+1)/2 x 8 bytes  upper triangle of the integer Gram matrix, row by row
 * </pre>
 */
public final class InputGram {
    /** The serial form version this build writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** Largest magnitude of a grid integer (as fine as uint8 activations, and signed). */
    public static final int GRID_MAX = 255;
    /** Largest column length accepted (a 4096-wide Gemm input or a 455-channel 3x3 Conv); bounds the state at 64 MiB. */
    public static final int MAX_K = 4096;

    private final int k;
    private final float step;
    private final long[] upper;  // row-major upper triangle, k(k+1)/2 entries
    private long columns;

    public InputGram(int k, float step) {
        if (k < 1 || k > MAX_K) throw new IllegalArgumentException("Gram column length " + k + " is outside [1, " + MAX_K + "]");
        if (!(step >= 0) || Float.isInfinite(step)) throw new IllegalArgumentException("Gram grid step must be finite and >= 0, got " + step);
        this.k = k;
        this.step = step;
        this.upper = new long[k * (k + 1) / 2];
    }

    /** The grid step for values whose merged range is [min, max]: the larger magnitude maps to {@link #GRID_MAX}. */
    public static float stepFor(float min, float max) {
        float m = Math.max(Math.abs(min), Math.abs(max));
        return Float.isFinite(m) ? m / GRID_MAX : 0f;
    }

    public int columnLength() { return k; }

    public float step() { return step; }

    public long columns() { return columns; }

    /** The grid integer of a value (0 when the step is 0: an all-zero input carries no information). */
    public int gridValue(float x) {
        if (step == 0f) return 0;
        double v = Math.rint(x / step);
        return (int) Math.max(-GRID_MAX, Math.min(GRID_MAX, v));  // (int) NaN == 0
    }

    /**
     * Adds {@code count} columns held transposed: element {@code a} of column {@code j} is
     * {@code cols[a * stride + j]}, already on the grid. At most {@link #maxColumnsPerCall()} columns per call, so
     * every per-call dot product is exact in 32 bits.
     */
    public void add(int[] cols, int stride, int count) {
        if (count < 0 || count > maxColumnsPerCall()) throw new IllegalArgumentException("column count " + count + " per call");
        if (count > stride || (long) (k - 1) * stride + count > cols.length) throw new IllegalArgumentException("column block too small");
        int t = 0;
        for (int a = 0; a < k; a++) {
            int ra = a * stride;
            for (int b = a; b < k; b++) {
                int rb = b * stride;
                int s = 0;
                for (int j = 0; j < count; j++) s += cols[ra + j] * cols[rb + j];
                upper[t++] += s;
            }
        }
        columns += count;  // per-call sums are < 2^31; a long overflows only past ~10^14 columns (merge checks)
    }

    /** 32-bit dot products of this many grid integers cannot overflow. */
    public static int maxColumnsPerCall() {
        return Integer.MAX_VALUE / (GRID_MAX * GRID_MAX);
    }

    /** Folds {@code other} in (same column length and grid) and returns this. Throws on a 64-bit overflow. */
    public InputGram merge(InputGram other) {
        if (other.k != k || Float.floatToRawIntBits(other.step) != Float.floatToRawIntBits(step)) {
            throw new IllegalArgumentException("cannot merge Gram matrices of different layers or grids (k " + other.k + " vs " + k
                    + ", step " + other.step + " vs " + step + ")");
        }
        try {
            long[] sum = new long[upper.length];
            for (int i = 0; i < upper.length; i++) sum[i] = Math.addExact(upper[i], other.upper[i]);
            columns = Math.addExact(columns, other.columns);
            System.arraycopy(sum, 0, upper, 0, sum.length);
        } catch (ArithmeticException e) {
            throw new IllegalStateException("input Gram matrix overflows 64 bits after " + columns + " + " + other.columns
                    + " columns; calibrate on fewer samples", e);
        }
        return this;
    }

    public InputGram copy() {
        InputGram c = new InputGram(k, step);
        System.arraycopy(upper, 0, c.upper, 0, upper.length);
        c.columns = columns;
        return c;
    }

    /** The Gram matrix in real units ({@code step^2} times the integers), full and symmetric. */
    public double[][] toMatrix() {
        double s2 = (double) step * step;
        double[][] h = new double[k][k];
        int t = 0;
        for (int a = 0; a < k; a++) {
            for (int b = a; b < k; b++) {
                double v = upper[t++] * s2;
                h[a][b] = v;
                h[b][a] = v;
            }
        }
        return h;
    }

    public byte[] toBytes() {
        ObserverSerde.Writer w = new ObserverSerde.Writer();
        w.u8(FORMAT_VERSION);
        w.i32(k);
        w.f32(step);
        w.i64(columns);
        for (long v : upper) w.i64(v);
        return w.toByteArray();
    }

    /** Reads {@link #toBytes()}; refuses other versions, impossible sizes and truncated or trailing bytes. */
    public static InputGram fromBytes(byte[] bytes) {
        ObserverSerde.Reader r = new ObserverSerde.Reader(bytes);
        int version = r.u8();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("Gram state format version " + version + " is not supported (this build reads " + FORMAT_VERSION + ")");
        }
        int k = r.i32();
        if (k < 1 || k > MAX_K) throw r.malformed("Gram column length " + k + " outside [1, " + MAX_K + "]");
        float step = r.f32();
        if (!(step >= 0) || Float.isInfinite(step)) throw r.malformed("Gram grid step " + step);
        long columns = r.i64();
        if (columns < 0) throw r.malformed("negative column count");
        r.require((long) k * (k + 1) / 2 * 8, "the Gram triangle");
        InputGram g = new InputGram(k, step);
        for (int i = 0; i < g.upper.length; i++) g.upper[i] = r.i64();
        g.columns = columns;
        if (r.remaining() != 0) throw r.malformed(r.remaining() + " trailing bytes after a Gram state");
        return g;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputGram g && g.k == k && Float.floatToRawIntBits(g.step) == Float.floatToRawIntBits(step)
                && g.columns == columns && Arrays.equals(g.upper, upper);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(upper) * 31 + Long.hashCode(columns);
    }
}
