package org.quantlake.core.ptq;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.quantlake.core.observe.InputGram;
import org.quantlake.core.observe.Observer;

/**
 * The observers of one calibration pass, keyed by group id, plus the number of samples seen: an exactly mergeable
 * summary (merging merges every observer and adds the sample counts), so a Spark reduce over executors gives
 * bit-identical bytes whatever the partitioning, order or retries.
 *
 * <pre>
 * serial form (big-endian):
 *   4 bytes  magic "QLCS"
 *   1 byte   format version (1)
 *   1 byte   pass (0 = range / one-pass, 1 = histogram)
 *   8 bytes  samples
 *   4 bytes  group count G
 *   G times: UTF-8 group id (2-byte length + bytes), 4-byte length L, L bytes of {@link Observer#toBytes()}
 *   version 2 only (a second pass for GPTQ):
 *   4 bytes  layer count M
 *   M times: UTF-8 node name (2-byte length + bytes), 4-byte length L, L bytes of {@link InputGram#toBytes()}
 * </pre>
 * A state without Gram matrices is written as version 1, byte for byte what earlier builds wrote, so their models'
 * digests do not change. Groups and layers are written in name order, so equal states have equal bytes and the
 * SHA-256 {@link #digest()} identifies the statistics a model was converted from.
 */
public final class CalibrationState {
    /** Pass 1 observes ranges; pass 2 observes histograms and GPTQ Gram matrices on grids the merged pass 1 fixes. */
    public enum Pass { RANGE, SECOND }

    private static final byte[] MAGIC = {'Q', 'L', 'C', 'S'};
    public static final int FORMAT_VERSION = 2;
    private static final int VERSION_WITHOUT_GRAMS = 1;

    private final Pass pass;
    private final TreeMap<String, Observer> observers;
    private final TreeMap<String, InputGram> grams;
    private long samples;

    CalibrationState(Pass pass, Map<String, Observer> observers, long samples) {
        this(pass, observers, Map.of(), samples);
    }

    CalibrationState(Pass pass, Map<String, Observer> observers, Map<String, InputGram> grams, long samples) {
        this.pass = pass;
        this.observers = new TreeMap<>(observers);
        this.grams = new TreeMap<>(grams);
        this.samples = samples;
    }

    public Pass pass() { return pass; }

    public long samples() { return samples; }

    void addSamples(long n) { samples += n; }

    /** Observers by group id (live: calibration updates them). */
    public Map<String, Observer> observers() { return Collections.unmodifiableMap(observers); }

    public Observer observer(String groupId) { return observers.get(groupId); }

    /** Input Gram matrices by layer (node) name, for GPTQ (live; empty unless the plan rounds with GPTQ). */
    public Map<String, InputGram> grams() { return Collections.unmodifiableMap(grams); }

    public InputGram gram(String nodeName) { return grams.get(nodeName); }

    /**
     * A copy keeping only the Gram matrices of {@code layers} (all of which it must hold): statistics gathered for GPTQ
     * on every layer then convert with GPTQ on fewer layers, or with nearest rounding (no layers), without new passes.
     */
    public CalibrationState retainingGrams(java.util.Set<String> layers) {
        if (!grams.keySet().containsAll(layers)) {
            java.util.Set<String> missing = new java.util.TreeSet<>(layers);
            missing.removeAll(grams.keySet());
            throw new IllegalArgumentException("the statistics hold no input Gram matrix for " + missing + " (GPTQ)");
        }
        CalibrationState c = copy();
        c.grams.keySet().retainAll(layers);
        return c;
    }

    /** Folds {@code other} into this state and returns this; both must come from the same plan and pass. */
    public CalibrationState merge(CalibrationState other) {
        if (other.pass != pass) throw new IllegalArgumentException("cannot merge a " + other.pass + " state into a " + pass + " state");
        if (!other.observers.keySet().equals(observers.keySet())) {
            throw new IllegalArgumentException("cannot merge states of different quantization plans (" + observers.size()
                    + " vs " + other.observers.size() + " groups)");
        }
        if (!other.grams.keySet().equals(grams.keySet())) {
            throw new IllegalArgumentException("cannot merge states of different quantization plans (Gram matrices of " + grams.keySet()
                    + " vs " + other.grams.keySet() + ")");
        }
        for (Map.Entry<String, Observer> e : observers.entrySet()) e.getValue().merge(other.observers.get(e.getKey()));
        for (Map.Entry<String, InputGram> e : grams.entrySet()) e.getValue().merge(other.grams.get(e.getKey()));
        samples += other.samples;
        return this;
    }

    public CalibrationState copy() {
        TreeMap<String, Observer> c = new TreeMap<>();
        for (Map.Entry<String, Observer> e : observers.entrySet()) c.put(e.getKey(), e.getValue().copy());
        TreeMap<String, InputGram> gc = new TreeMap<>();
        for (Map.Entry<String, InputGram> e : grams.entrySet()) gc.put(e.getKey(), e.getValue().copy());
        return new CalibrationState(pass, c, gc, samples);
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bos);
            out.write(MAGIC);
            out.writeByte(grams.isEmpty() ? VERSION_WITHOUT_GRAMS : FORMAT_VERSION);
            out.writeByte(pass.ordinal());
            out.writeLong(samples);
            out.writeInt(observers.size());
            for (Map.Entry<String, Observer> e : observers.entrySet()) writeEntry(out, e.getKey(), e.getValue().toBytes());
            if (!grams.isEmpty()) {
                out.writeInt(grams.size());
                for (Map.Entry<String, InputGram> e : grams.entrySet()) writeEntry(out, e.getKey(), e.getValue().toBytes());
            }
            out.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads {@link #toBytes()}; refuses other formats and versions with a clear message. */
    public static CalibrationState fromBytes(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
            byte[] magic = new byte[4];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) throw new IllegalArgumentException("not a quantlake calibration state (bad magic)");
            int version = in.readUnsignedByte();
            if (version != FORMAT_VERSION && version != VERSION_WITHOUT_GRAMS) {
                throw new IllegalArgumentException("calibration state format version " + version + " is not supported (this build reads " + FORMAT_VERSION + ")");
            }
            int p = in.readUnsignedByte();
            if (p >= Pass.values().length) throw new IllegalArgumentException("calibration state has unknown pass " + p);
            long samples = in.readLong();
            int count = in.readInt();
            if (count < 0 || count > bytes.length) throw new IllegalArgumentException("calibration state declares " + count + " groups");
            TreeMap<String, Observer> obs = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                String id = readId(in);
                obs.put(id, Observer.fromBytes(readPayload(in, "group " + i)));
            }
            TreeMap<String, InputGram> grams = new TreeMap<>();
            if (version == FORMAT_VERSION) {
                int layers = in.readInt();
                if (layers < 1 || layers > bytes.length) throw new IllegalArgumentException("calibration state declares " + layers + " Gram matrices");
                for (int i = 0; i < layers; i++) {
                    String id = readId(in);
                    grams.put(id, InputGram.fromBytes(readPayload(in, "Gram matrix " + i)));
                }
            }
            if (in.available() != 0) throw new IllegalArgumentException("calibration state has " + in.available() + " trailing bytes");
            return new CalibrationState(Pass.values()[p], obs, grams, samples);
        } catch (EOFException e) {
            throw new IllegalArgumentException("calibration state is truncated", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read calibration state: " + e.getMessage(), e);
        }
    }

    /** One keyed entry: UTF-8 id (2-byte length + bytes), 4-byte length, payload. */
    private static void writeEntry(DataOutputStream out, String id, byte[] payload) throws IOException {
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        out.writeShort(b.length);
        out.write(b);
        out.writeInt(payload.length);
        out.write(payload);
    }

    private static String readId(DataInputStream in) throws IOException {
        byte[] id = new byte[in.readUnsignedShort()];
        in.readFully(id);
        return new String(id, StandardCharsets.UTF_8);
    }

    private static byte[] readPayload(DataInputStream in, String what) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > in.available()) throw new IllegalArgumentException("calibration state truncated in " + what);
        byte[] o = new byte[len];
        in.readFully(o);
        return o;
    }

    /** SHA-256 of the serial form, hex. */
    public String digest() {
        return sha256(toBytes());
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CalibrationState s && java.util.Arrays.equals(s.toBytes(), toBytes());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(toBytes());
    }
}
