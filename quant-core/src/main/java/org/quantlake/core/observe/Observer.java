package org.quantlake.core.observe;

import java.util.Arrays;
import org.quantlake.core.quant.ChannelRange;
import org.quantlake.core.tensor.FloatTensor;

/**
 * Sees float tensors and summarises them into a state from which a quantization range is chosen.
 *
 * <p>Every observer is an exactly mergeable summary: {@link #merge} is associative and commutative, and
 * observing a data set whole, or cut into any pieces observed separately and merged in any order or tree
 * shape, yields a bit-identical state (compare {@link #toBytes()}). That is what lets Spark executors
 * calibrate partitions independently and the driver reduce their states to the same qparams however the
 * data was split, ordered or retried. NaN and +/-Inf are counted in {@link #counts()} and never touch the
 * statistics. A state's size is fixed at construction (or first observation) and never grows with the data.
 *
 * <p>Empty observers (no finite value seen) merge as the identity; {@link #observedRange()} on one throws.
 */
public abstract sealed class Observer permits MinMaxObserver, PerChannelMinMaxObserver, MeanMinMaxObserver, HistogramObserver {
    final ValueCounts counts;

    Observer(ValueCounts counts) {
        this.counts = counts;
    }

    public abstract ObserverKind kind();

    /** Folds one tensor (typically a batch, leading dimension = samples) into the state. */
    public abstract void observe(FloatTensor t);

    /** Folds {@code other} into this state and returns this. Throws when the two cannot merge (kind, axis, grid). */
    public final Observer merge(Observer other) {
        if (other.kind() != kind()) {
            throw new IllegalArgumentException("cannot merge a " + other.kind() + " observer into a " + kind() + " observer");
        }
        mergeState(other);
        counts.add(other.counts);
        return this;
    }

    abstract void mergeState(Observer other);

    /** An independent copy of the state. */
    public abstract Observer copy();

    /** True until a finite value has been observed. */
    public boolean isEmpty() {
        return counts.finite == 0;
    }

    /** Counts of finite, NaN, +Inf and -Inf values seen (a copy). */
    public ValueCounts counts() {
        return counts.copy();
    }

    /**
     * The range the statistics describe: min/max for MinMax, per-channel min/max, the mean of per-sample
     * minima and maxima for MeanMinMax, the finite data range for a histogram (whose searches choose narrower
     * ranges, see {@link HistogramRangeSearch}). Throws {@link IllegalStateException} when empty.
     */
    public abstract ChannelRange observedRange();

    /** The versioned binary serial form (see {@link ObserverSerde} for the layout). */
    public final byte[] toBytes() {
        return ObserverSerde.serialize(this);
    }

    /** Reads a state written by {@link #toBytes()}; refuses unknown versions and malformed bytes with a clear message. */
    public static Observer fromBytes(byte[] bytes) {
        return ObserverSerde.deserialize(bytes);
    }

    abstract void writePayload(ObserverSerde.Writer w);

    void requireNotEmpty() {
        if (isEmpty()) {
            throw new IllegalStateException(kind() + " observer saw no finite values (" + counts + ")");
        }
    }

    /** States are equal when their serial forms are byte-identical. */
    @Override
    public final boolean equals(Object o) {
        return o instanceof Observer other && Arrays.equals(toBytes(), other.toBytes());
    }

    @Override
    public final int hashCode() {
        return Arrays.hashCode(toBytes());
    }
}
