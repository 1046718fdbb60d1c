package org.quantlake.core.observe;

import java.util.Arrays;

/**
 * The versioned binary serial form of observer states: compact, independent of Java serialization (Spark ships
 * these bytes between JVMs with Kryo), and stable so saved states can be compared byte for byte.
 *
 * <pre>
 * offset  size  field                          all multi-byte fields big-endian
 * ------  ----  -----------------------------  -----------------------------------------------
 *  0      1     format version                 currently 1; unknown versions are refused
 *  1      1     type id                        {@link ObserverKind#typeId()}: 1 MinMax, 2 PerChannelMinMax,
 *                                              3 MeanMinMax, 4 Histogram
 *  2      32    value counts                   int64 finite, nan, +inf, -inf
 * 34      ...   payload, by type:
 *   MinMax            f32 min, f32 max                       (+Inf/-Inf when empty)
 *   PerChannelMinMax  i32 axis, i32 channels C (0 = not yet known), C x f32 min, C x f32 max
 *   MeanMinMax        i64 samples, 5 x i64 sum of minima, 5 x i64 sum of maxima (320-bit little-endian
 *                     limbs of an {@link ExactSum}), f32 global min, f32 global max
 *   Histogram         f64 bin width, i64 first bin index, i32 bins B, i64 values outside the grid,
 *                     f32 min, f32 max, B x unsigned LEB128 varint count
 * </pre>
 * No trailing bytes are allowed. Every read is bounds-checked, so a truncated or corrupt state fails with a
 * message saying what is wrong rather than an exception from deep inside, or a huge allocation.
 */
public final class ObserverSerde {
    /** The format version this build writes. */
    public static final int FORMAT_VERSION = 1;

    private ObserverSerde() {}

    static byte[] serialize(Observer o) {
        Writer w = new Writer();
        w.u8(FORMAT_VERSION);
        w.u8(o.kind().typeId());
        ValueCounts c = o.counts;
        w.i64(c.finite);
        w.i64(c.nan);
        w.i64(c.posInf);
        w.i64(c.negInf);
        o.writePayload(w);
        return w.toByteArray();
    }

    static Observer deserialize(byte[] bytes) {
        Reader r = new Reader(bytes);
        if (bytes.length < 2) throw r.malformed("only " + bytes.length + " bytes, too short for a header");
        int version = r.u8();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("observer state format version " + version + " is not supported by this build"
                    + " (it reads version " + FORMAT_VERSION + "); was it written by a newer quantlake?");
        }
        int typeId = r.u8();
        ObserverKind kind = ObserverKind.ofTypeId(typeId);
        if (kind == null) throw r.malformed("unknown observer type id " + typeId);
        long finite = r.i64();
        long nan = r.i64();
        long pinf = r.i64();
        long ninf = r.i64();
        if (finite < 0 || nan < 0 || pinf < 0 || ninf < 0) throw r.malformed("negative value count");
        ValueCounts counts = new ValueCounts(finite, nan, pinf, ninf);
        Observer o = switch (kind) {
            case MIN_MAX -> MinMaxObserver.read(counts, r);
            case PER_CHANNEL_MIN_MAX -> PerChannelMinMaxObserver.read(counts, r);
            case MEAN_MIN_MAX -> MeanMinMaxObserver.read(counts, r);
            case HISTOGRAM -> HistogramObserver.read(counts, r);
        };
        if (r.remaining() != 0) throw r.malformed(r.remaining() + " trailing bytes after a " + kind + " state");
        return o;
    }

    /** Big-endian writer into a growable array. */
    static final class Writer {
        private byte[] buf = new byte[64];
        private int n;

        private void ensure(int k) {
            if (n + k > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + k));
        }

        void u8(int v) {
            ensure(1);
            buf[n++] = (byte) v;
        }

        void i32(int v) {
            ensure(4);
            for (int s = 24; s >= 0; s -= 8) buf[n++] = (byte) (v >>> s);
        }

        void i64(long v) {
            ensure(8);
            for (int s = 56; s >= 0; s -= 8) buf[n++] = (byte) (v >>> s);
        }

        void f32(float v) { i32(Float.floatToRawIntBits(v)); }

        void f64(double v) { i64(Double.doubleToRawLongBits(v)); }

        void varLong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[n++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[n++] = (byte) v;
        }

        byte[] toByteArray() { return Arrays.copyOf(buf, n); }
    }

    /** Bounds-checked big-endian reader. */
    static final class Reader {
        private final byte[] b;
        private int p;

        Reader(byte[] b) { this.b = b; }

        int remaining() { return b.length - p; }

        IllegalArgumentException malformed(String what) {
            return new IllegalArgumentException("malformed observer state at byte " + p + " of " + b.length + ": " + what);
        }

        void require(long k, String what) {
            if (k > remaining()) throw malformed("truncated: " + what + " needs " + k + " bytes, " + remaining() + " left");
        }

        int u8() {
            require(1, "a byte");
            return b[p++] & 0xFF;
        }

        int i32() {
            require(4, "an int32");
            int v = 0;
            for (int i = 0; i < 4; i++) v = (v << 8) | (b[p++] & 0xFF);
            return v;
        }

        long i64() {
            require(8, "an int64");
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (b[p++] & 0xFF);
            return v;
        }

        float f32() { return Float.intBitsToFloat(i32()); }

        double f64() { return Double.longBitsToDouble(i64()); }

        long varLong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = u8();
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) return v;
            }
            throw malformed("varint longer than 10 bytes");
        }

        /** Reads a non-negative int32 count whose elements take {@code bytesEach} bytes, checking they are all there. */
        int count(int bytesEach) {
            int c = i32();
            if (c < 0) throw malformed("negative count " + c);
            require((long) c * bytesEach, c + " elements");
            return c;
        }
    }
}
