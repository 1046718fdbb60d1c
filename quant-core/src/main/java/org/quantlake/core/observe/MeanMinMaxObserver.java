package org.quantlake.core.observe;

import org.quantlake.core.quant.ChannelRange;
import org.quantlake.core.tensor.FloatTensor;

/**
 * The mean over samples of each sample's minimum and maximum (NNCF's default for activations: less sensitive
 * to a rare outlier than the global min/max).
 *
 * <p>A "sample" is one slice along the leading dimension, never an engine batch: the mean of per-batch extremes
 * would change with how rows were grouped into batches or Spark partitions, and the point of this project is
 * that it must not. The sums of per-sample minima and maxima are {@link ExactSum}s, so merging is exact integer
 * addition and the mean is bit-identical for every split and order. Samples with no finite value are counted in
 * {@link #counts()} but do not enter the means.
 */
public final class MeanMinMaxObserver extends Observer {
    private long samples;
    private final ExactSum sumMin;
    private final ExactSum sumMax;
    private float min = Float.POSITIVE_INFINITY;  // global extremes, for reports
    private float max = Float.NEGATIVE_INFINITY;

    public MeanMinMaxObserver() {
        this(new ValueCounts(), 0, new ExactSum(), new ExactSum(), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
    }

    MeanMinMaxObserver(ValueCounts counts, long samples, ExactSum sumMin, ExactSum sumMax, float min, float max) {
        super(counts);
        this.samples = samples;
        this.sumMin = sumMin;
        this.sumMax = sumMax;
        this.min = min;
        this.max = max;
    }

    @Override
    public ObserverKind kind() { return ObserverKind.MEAN_MIN_MAX; }

    @Override
    public void observe(FloatTensor t) {
        int n = t.rank() == 0 ? 1 : t.dim(0);
        if (n == 0) return;
        int per = t.size() / n;
        float[] d = t.data();
        for (int s = 0; s < n; s++) {
            int from = t.offset() + s * per;
            float mn = Float.POSITIVE_INFINITY;
            float mx = Float.NEGATIVE_INFINITY;
            for (int i = from, end = from + per; i < end; i++) {
                float v = d[i];
                if (Float.isFinite(v)) {
                    mn = Math.min(mn, v);
                    mx = Math.max(mx, v);
                    counts.finite++;
                } else {
                    counts.countNonFinite(v);
                }
            }
            if (mn <= mx) {
                samples++;
                sumMin.add(mn);
                sumMax.add(mx);
                min = Math.min(min, mn);
                max = Math.max(max, mx);
            }
        }
    }

    @Override
    void mergeState(Observer other) {
        MeanMinMaxObserver o = (MeanMinMaxObserver) other;
        samples += o.samples;
        sumMin.add(o.sumMin);
        sumMax.add(o.sumMax);
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
    }

    /** Samples that contributed (had at least one finite value). */
    public long samples() { return samples; }

    /** Global minimum over all samples (+Inf when empty). */
    public float min() { return min; }

    /** Global maximum over all samples (-Inf when empty). */
    public float max() { return max; }

    /** [mean of per-sample minima, mean of per-sample maxima]. */
    @Override
    public ChannelRange observedRange() {
        requireNotEmpty();
        return ChannelRange.perTensor(sumMin.mean(samples), sumMax.mean(samples));
    }

    @Override
    public MeanMinMaxObserver copy() {
        return new MeanMinMaxObserver(counts.copy(), samples, sumMin.copy(), sumMax.copy(), min, max);
    }

    @Override
    void writePayload(ObserverSerde.Writer w) {
        w.i64(samples);
        for (int i = 0; i < ExactSum.LIMBS; i++) w.i64(sumMin.limb(i));
        for (int i = 0; i < ExactSum.LIMBS; i++) w.i64(sumMax.limb(i));
        w.f32(min);
        w.f32(max);
    }

    static MeanMinMaxObserver read(ValueCounts counts, ObserverSerde.Reader r) {
        long samples = r.i64();
        if (samples < 0) throw r.malformed("negative sample count " + samples);
        ExactSum lo = new ExactSum();
        ExactSum hi = new ExactSum();
        for (int i = 0; i < ExactSum.LIMBS; i++) lo.setLimb(i, r.i64());
        for (int i = 0; i < ExactSum.LIMBS; i++) hi.setLimb(i, r.i64());
        return new MeanMinMaxObserver(counts, samples, lo, hi, r.f32(), r.f32());
    }

    @Override
    public String toString() {
        return "MeanMinMaxObserver[samples=" + samples + "; " + counts + "]";
    }
}
