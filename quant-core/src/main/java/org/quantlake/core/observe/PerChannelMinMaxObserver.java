package org.quantlake.core.observe;

import java.util.Arrays;
import org.quantlake.core.quant.ChannelRange;
import org.quantlake.core.tensor.FloatTensor;

/**
 * Minimum and maximum per slice along {@link #axis()} (e.g. axis 0 of a Conv weight [M, C/g, kH, kW], or axis 1
 * of an NCHW activation). The channel count is fixed by the first observation (or the constructor) and every
 * later tensor and merge must agree.
 */
public final class PerChannelMinMaxObserver extends Observer {
    private final int axis;
    private float[] mins;  // null until the channel count is known
    private float[] maxs;

    /** An observer whose channel count is set by the first tensor it sees. */
    public PerChannelMinMaxObserver(int axis) {
        super(new ValueCounts());
        if (axis < 0) throw new IllegalArgumentException("axis must be >= 0, got " + axis);
        this.axis = axis;
    }

    /** An observer for exactly {@code channels} channels. */
    public PerChannelMinMaxObserver(int axis, int channels) {
        this(axis);
        allocate(channels);
    }

    PerChannelMinMaxObserver(ValueCounts counts, int axis, float[] mins, float[] maxs) {
        super(counts);
        this.axis = axis;
        this.mins = mins;
        this.maxs = maxs;
    }

    private void allocate(int channels) {
        if (channels <= 0) throw new IllegalArgumentException("channel count must be > 0, got " + channels);
        mins = new float[channels];
        maxs = new float[channels];
        Arrays.fill(mins, Float.POSITIVE_INFINITY);
        Arrays.fill(maxs, Float.NEGATIVE_INFINITY);
    }

    @Override
    public ObserverKind kind() { return ObserverKind.PER_CHANNEL_MIN_MAX; }

    public int axis() { return axis; }

    /** The channel count, or 0 before the first observation. */
    public int channels() { return mins == null ? 0 : mins.length; }

    @Override
    public void observe(FloatTensor t) {
        if (t.rank() <= axis) {
            throw new IllegalArgumentException("per-channel observer on axis " + axis + " given a rank-" + t.rank() + " tensor " + t);
        }
        int channels = t.dim(axis);
        if (mins == null) allocate(channels);
        if (channels != mins.length) {
            throw new IllegalArgumentException("per-channel observer holds " + mins.length + " channels on axis " + axis + ", given " + t);
        }
        int[] shape = t.shape();
        int outer = org.quantlake.core.tensor.Shapes.product(shape, 0, axis);
        int inner = org.quantlake.core.tensor.Shapes.product(shape, axis + 1, shape.length);
        float[] d = t.data();
        int base = t.offset();
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                int from = base + (o * channels + c) * inner;
                float mn = mins[c];
                float mx = maxs[c];
                for (int i = from, end = from + inner; i < end; i++) {
                    float v = d[i];
                    if (Float.isFinite(v)) {
                        mn = Math.min(mn, v);
                        mx = Math.max(mx, v);
                        counts.finite++;
                    } else {
                        counts.countNonFinite(v);
                    }
                }
                mins[c] = mn;
                maxs[c] = mx;
            }
        }
    }

    @Override
    void mergeState(Observer other) {
        PerChannelMinMaxObserver o = (PerChannelMinMaxObserver) other;
        if (o.axis != axis) throw new IllegalArgumentException("cannot merge per-channel observers on axes " + axis + " and " + o.axis);
        if (o.mins == null) return;
        if (mins == null) {
            mins = o.mins.clone();
            maxs = o.maxs.clone();
            return;
        }
        if (o.mins.length != mins.length) {
            throw new IllegalArgumentException("cannot merge per-channel observers of " + mins.length + " and " + o.mins.length + " channels");
        }
        for (int c = 0; c < mins.length; c++) {
            mins[c] = Math.min(mins[c], o.mins[c]);
            maxs[c] = Math.max(maxs[c], o.maxs[c]);
        }
    }

    /**
     * Per-channel ranges. A channel that saw no finite value (possible only when every one of its values was
     * NaN/Inf) gets [0, 0], which yields the epsilon scale.
     */
    @Override
    public ChannelRange observedRange() {
        requireNotEmpty();
        float[] lo = mins.clone();
        float[] hi = maxs.clone();
        for (int c = 0; c < lo.length; c++) {
            if (lo[c] > hi[c]) {
                lo[c] = 0f;
                hi[c] = 0f;
            }
        }
        return ChannelRange.perChannel(lo, hi);
    }

    @Override
    public PerChannelMinMaxObserver copy() {
        return new PerChannelMinMaxObserver(counts.copy(), axis, mins == null ? null : mins.clone(), maxs == null ? null : maxs.clone());
    }

    @Override
    void writePayload(ObserverSerde.Writer w) {
        w.i32(axis);
        int n = channels();
        w.i32(n);
        for (int c = 0; c < n; c++) w.f32(mins[c]);
        for (int c = 0; c < n; c++) w.f32(maxs[c]);
    }

    static PerChannelMinMaxObserver read(ValueCounts counts, ObserverSerde.Reader r) {
        int axis = r.i32();
        if (axis < 0) throw r.malformed("negative axis " + axis);
        int n = r.count(4 * 2);
        float[] mins = null;
        float[] maxs = null;
        if (n > 0) {
            mins = new float[n];
            maxs = new float[n];
            for (int c = 0; c < n; c++) mins[c] = r.f32();
            for (int c = 0; c < n; c++) maxs[c] = r.f32();
        }
        return new PerChannelMinMaxObserver(counts, axis, mins, maxs);
    }

    @Override
    public String toString() {
        return "PerChannelMinMaxObserver[axis=" + axis + ", channels=" + channels() + "; " + counts + "]";
    }
}
