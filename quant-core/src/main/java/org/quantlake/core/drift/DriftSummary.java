package org.quantlake.core.drift;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Arrays;

/**
 * Drift of one data partition, a mergeable sum of {@link RowDrift}s (and labels where present): merge adds the
 * counters, so the per-partition figures do not depend on how rows were split into tasks. Means are computed at the
 * end.
 *
 * <p>The three real-valued sums (|diff|, cosine, KL) are exact: every finite double is added as the exact decimal it
 * represents, so any split, merge order or retry gives the same bits, and a distributed run reports exactly what a
 * sequential loop over the same rows does. Non-finite values (NaN, infinities) are summed apart in a double, where
 * IEEE arithmetic is order-free for them too, and make the mean NaN or infinite as a plain sum would.
 *
 * <p>Empty summaries report 0 rows and NaN for every ratio and mean.
 *
 * <pre>
 * serial form ({@link #toBytes()}, big-endian):
 *   4 bytes  magic "QLDS"
 *   1 byte   format version (1)
 *   5 x 8    rows, agree, labelled, correctFp32, correctInt8
 *   3 times  (|diff|, cosine, KL): 4-byte scale, 4-byte length L, L bytes of the unscaled two's-complement value,
 *            8-byte double sum of the non-finite values
 * </pre>
 */
public final class DriftSummary {
    private static final byte[] MAGIC = {'Q', 'L', 'D', 'S'};
    public static final int FORMAT_VERSION = 1;

    private long rows;
    private long agree;
    private long labelled;
    private long correctFp32;
    private long correctInt8;
    private final ExactDoubleSum sumAbsDiff = new ExactDoubleSum();
    private final ExactDoubleSum sumCosine = new ExactDoubleSum();
    private final ExactDoubleSum sumKl = new ExactDoubleSum();

    /** Adds one row; {@code label} is -1 when the row has none. */
    public void add(RowDrift d, int label) {
        rows++;
        if (d.agree()) agree++;
        if (label >= 0) {
            labelled++;
            if (d.top1Fp32() == label) correctFp32++;
            if (d.top1Int8() == label) correctInt8++;
        }
        sumAbsDiff.add(d.meanAbsDiff());
        sumCosine.add(d.cosine());
        sumKl.add(d.kl());
    }

    /** Folds {@code o} into this summary and returns this (associative and commutative, bit for bit). */
    public DriftSummary merge(DriftSummary o) {
        rows += o.rows;
        agree += o.agree;
        labelled += o.labelled;
        correctFp32 += o.correctFp32;
        correctInt8 += o.correctInt8;
        sumAbsDiff.add(o.sumAbsDiff);
        sumCosine.add(o.sumCosine);
        sumKl.add(o.sumKl);
        return this;
    }

    public long rows() { return rows; }
    public long flipped() { return rows - agree; }
    public long labelled() { return labelled; }

    /** Fraction of rows whose top-1 class is the same in both models (NaN when empty). */
    public double agreement() { return rows == 0 ? Double.NaN : (double) agree / rows; }

    /** Top-1 accuracy of the float model over labelled rows (NaN without labels). */
    public double accuracyFp32() { return labelled == 0 ? Double.NaN : (double) correctFp32 / labelled; }

    /** Top-1 accuracy of the int8 model over labelled rows (NaN without labels). */
    public double accuracyInt8() { return labelled == 0 ? Double.NaN : (double) correctInt8 / labelled; }

    public double meanAbsDiff() { return sumAbsDiff.mean(rows); }

    public double meanCosine() { return sumCosine.mean(rows); }

    public double meanKl() { return sumKl.mean(rows); }

    /** The serial form (see the class comment); equal summaries have equal bytes. */
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bos);
            out.write(MAGIC);
            out.writeByte(FORMAT_VERSION);
            for (long v : new long[] {rows, agree, labelled, correctFp32, correctInt8}) out.writeLong(v);
            sumAbsDiff.write(out);
            sumCosine.write(out);
            sumKl.write(out);
            out.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads {@link #toBytes()}; refuses other formats, versions and truncated input with a clear message. */
    public static DriftSummary fromBytes(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            byte[] magic = new byte[4];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) throw new IllegalArgumentException("not a quantlake drift summary (bad magic)");
            int version = in.readUnsignedByte();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("drift summary format version " + version
                        + " is not supported (this build reads " + FORMAT_VERSION + ")");
            }
            DriftSummary s = new DriftSummary();
            s.rows = in.readLong();
            s.agree = in.readLong();
            s.labelled = in.readLong();
            s.correctFp32 = in.readLong();
            s.correctInt8 = in.readLong();
            if (s.rows < 0 || s.agree < 0 || s.agree > s.rows || s.labelled < 0 || s.labelled > s.rows
                    || s.correctFp32 < 0 || s.correctFp32 > s.labelled || s.correctInt8 < 0 || s.correctInt8 > s.labelled) {
                throw new IllegalArgumentException("drift summary has inconsistent counters");
            }
            s.sumAbsDiff.read(in);
            s.sumCosine.read(in);
            s.sumKl.read(in);
            if (in.available() != 0) throw new IllegalArgumentException("drift summary has " + in.available() + " trailing bytes");
            return s;
        } catch (EOFException e) {
            throw new IllegalArgumentException("drift summary is truncated", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read drift summary: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DriftSummary d && Arrays.equals(d.toBytes(), toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    /** An exact sum of doubles: finite values as an exact decimal, non-finite ones apart (see the class comment). */
    private static final class ExactDoubleSum {
        private BigDecimal finite = BigDecimal.ZERO;
        private double special;

        void add(double v) {
            if (Double.isFinite(v)) finite = finite.add(new BigDecimal(v));
            else special += v;
        }

        void add(ExactDoubleSum o) {
            finite = finite.add(o.finite);
            special += o.special;
        }

        /** The mean over {@code n} rows: NaN when n is 0, the non-finite sum when there is one. */
        double mean(long n) {
            if (n == 0) return Double.NaN;
            if (special != 0) return special;  // NaN != 0 as well
            // 34 significant digits, then one correct rounding to double: a pure function of the exact sum.
            return finite.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128).doubleValue();
        }

        void write(DataOutputStream out) throws IOException {
            // Zero may carry a scale from exact cancellation; normalise so equal sums have equal bytes.
            BigDecimal v = finite.signum() == 0 ? BigDecimal.ZERO : finite.stripTrailingZeros();
            byte[] unscaled = v.unscaledValue().toByteArray();
            out.writeInt(v.scale());
            out.writeInt(unscaled.length);
            out.write(unscaled);
            out.writeDouble(special);
        }

        void read(DataInputStream in) throws IOException {
            int scale = in.readInt();
            int len = in.readInt();
            if (len < 1 || len > in.available()) throw new IllegalArgumentException("drift summary truncated in a sum");
            byte[] unscaled = new byte[len];
            in.readFully(unscaled);
            finite = new BigDecimal(new BigInteger(unscaled), scale);
            special = in.readDouble();
        }
    }
}
