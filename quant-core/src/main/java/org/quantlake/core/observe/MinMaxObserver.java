package org.quantlake.core.observe;

import org.quantlake.core.quant.ChannelRange;
import org.quantlake.core.tensor.FloatTensor;

/**
 * Running minimum and maximum of all finite values (per tensor). Merge takes min of minima and max of maxima.
 * Uses {@link Math#min(float, float)} / {@link Math#max(float, float)}, which order -0.0 below +0.0, so even the
 * sign of a zero extreme does not depend on the order values arrive in.
 */
public final class MinMaxObserver extends Observer {
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;

    public MinMaxObserver() {
        super(new ValueCounts());
    }

    MinMaxObserver(ValueCounts counts, float min, float max) {
        super(counts);
        this.min = min;
        this.max = max;
    }

    @Override
    public ObserverKind kind() { return ObserverKind.MIN_MAX; }

    @Override
    public void observe(FloatTensor t) {
        observe(t.data(), t.offset(), t.size());
    }

    /** Observes {@code n} values of {@code data} from {@code off}. */
    public void observe(float[] data, int off, int n) {
        // Fast path: NaN propagates through Math.min/max and +/-Inf become an extreme, so one clean pass
        // proves the block is all finite. Only blocks with non-finite values take the counting path.
        float mn = Float.POSITIVE_INFINITY;
        float mx = Float.NEGATIVE_INFINITY;
        for (int i = off, end = off + n; i < end; i++) {
            float v = data[i];
            mn = Math.min(mn, v);
            mx = Math.max(mx, v);
        }
        if (n == 0) return;
        if (Float.isFinite(mn) && Float.isFinite(mx)) {
            counts.finite += n;
        } else {
            mn = Float.POSITIVE_INFINITY;
            mx = Float.NEGATIVE_INFINITY;
            long finite = 0;
            for (int i = off, end = off + n; i < end; i++) {
                float v = data[i];
                if (Float.isFinite(v)) {
                    mn = Math.min(mn, v);
                    mx = Math.max(mx, v);
                    finite++;
                } else {
                    counts.countNonFinite(v);
                }
            }
            counts.finite += finite;
        }
        min = Math.min(min, mn);
        max = Math.max(max, mx);
    }

    @Override
    void mergeState(Observer other) {
        MinMaxObserver o = (MinMaxObserver) other;
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
    }

    /** Minimum finite value seen (+Inf when empty). */
    public float min() { return min; }

    /** Maximum finite value seen (-Inf when empty). */
    public float max() { return max; }

    @Override
    public ChannelRange observedRange() {
        requireNotEmpty();
        return ChannelRange.perTensor(min, max);
    }

    @Override
    public MinMaxObserver copy() {
        return new MinMaxObserver(counts.copy(), min, max);
    }

    @Override
    void writePayload(ObserverSerde.Writer w) {
        w.f32(min);
        w.f32(max);
    }

    static MinMaxObserver read(ValueCounts counts, ObserverSerde.Reader r) {
        return new MinMaxObserver(counts, r.f32(), r.f32());
    }

    @Override
    public String toString() {
        return "MinMaxObserver[" + min + ", " + max + "; " + counts + "]";
    }
}
