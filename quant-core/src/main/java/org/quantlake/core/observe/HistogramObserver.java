package org.quantlake.core.observe;

import org.quantlake.core.quant.ChannelRange;
import org.quantlake.core.tensor.FloatTensor;

/**
 * int64 counts of finite values on a fixed {@link HistogramGrid} (pass 2 of histogram calibration; pass 1 is a
 * {@link MinMaxObserver} whose merged range sets the grid). Values outside the grid, possible only when pass 2
 * sees data pass 1 did not, land in the edge bins and are counted in {@link #outsideGrid()}.
 * Ranges are chosen from the merged histogram by {@link HistogramRangeSearch}.
 */
public final class HistogramObserver extends Observer {
    private final HistogramGrid grid;
    private final long[] bins;
    private long outsideGrid;
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;

    public HistogramObserver(HistogramGrid grid) {
        super(new ValueCounts());
        this.grid = grid;
        this.bins = new long[grid.bins()];
    }

    HistogramObserver(ValueCounts counts, HistogramGrid grid, long[] bins, long outsideGrid, float min, float max) {
        super(counts);
        this.grid = grid;
        this.bins = bins;
        this.outsideGrid = outsideGrid;
        this.min = min;
        this.max = max;
    }

    /** A histogram over the merged range of a pass-1 observer. */
    public static HistogramObserver onRangeOf(MinMaxObserver pass1, int bins) {
        pass1.requireNotEmpty();
        return new HistogramObserver(HistogramGrid.covering(pass1.min(), pass1.max(), bins));
    }

    @Override
    public ObserverKind kind() { return ObserverKind.HISTOGRAM; }

    public HistogramGrid grid() { return grid; }

    @Override
    public void observe(FloatTensor t) {
        observe(t.data(), t.offset(), t.size());
    }

    public void observe(float[] data, int off, int n) {
        final double w = grid.width();
        final long first = grid.firstIndex();
        final int nb = bins.length;
        float mn = min;
        float mx = max;
        long finite = 0;
        for (int i = off, end = off + n; i < end; i++) {
            float v = data[i];
            if (!Float.isFinite(v)) {
                counts.countNonFinite(v);
                continue;
            }
            finite++;
            mn = Math.min(mn, v);
            mx = Math.max(mx, v);
            long k = (long) Math.floor(v / w) - first;
            if (k < 0) {
                k = 0;
                outsideGrid++;
            } else if (k >= nb) {
                k = nb - 1;
                outsideGrid++;
            }
            bins[(int) k]++;
        }
        counts.finite += finite;
        min = mn;
        max = mx;
    }

    @Override
    void mergeState(Observer other) {
        HistogramObserver o = (HistogramObserver) other;
        if (!o.grid.equals(grid)) {
            throw new IllegalArgumentException("cannot merge histograms on different grids " + grid + " and " + o.grid
                    + ": every piece must count on the grid fixed by the merged pass-1 range");
        }
        for (int i = 0; i < bins.length; i++) bins[i] += o.bins[i];
        outsideGrid += o.outsideGrid;
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
    }

    /** Count in bin i. */
    public long count(int i) { return bins[i]; }

    /** A copy of all bin counts. */
    public long[] counts64() { return bins.clone(); }

    /** Values that fell outside the grid and were clamped into an edge bin. */
    public long outsideGrid() { return outsideGrid; }

    /** Minimum finite value seen (+Inf when empty). */
    public float min() { return min; }

    /** Maximum finite value seen (-Inf when empty). */
    public float max() { return max; }

    /** The finite data range [min, max]. */
    @Override
    public ChannelRange observedRange() {
        requireNotEmpty();
        return ChannelRange.perTensor(min, max);
    }

    @Override
    public HistogramObserver copy() {
        return new HistogramObserver(counts.copy(), grid, bins.clone(), outsideGrid, min, max);
    }

    @Override
    void writePayload(ObserverSerde.Writer w) {
        w.f64(grid.width());
        w.i64(grid.firstIndex());
        w.i32(grid.bins());
        w.i64(outsideGrid);
        w.f32(min);
        w.f32(max);
        for (long b : bins) w.varLong(b);
    }

    static HistogramObserver read(ValueCounts counts, ObserverSerde.Reader r) {
        double width = r.f64();
        long first = r.i64();
        int nb = r.i32();
        HistogramGrid grid;
        try {
            grid = new HistogramGrid(width, first, nb);
        } catch (IllegalArgumentException e) {
            throw r.malformed("bad histogram grid: " + e.getMessage());
        }
        long outside = r.i64();
        float mn = r.f32();
        float mx = r.f32();
        r.require(nb, "histogram of " + nb + " bins");  // at least one byte per varint
        long[] bins = new long[nb];
        for (int i = 0; i < nb; i++) {
            bins[i] = r.varLong();
            if (bins[i] < 0) throw r.malformed("negative count in bin " + i);
        }
        return new HistogramObserver(counts, grid, bins, outside, mn, mx);
    }

    @Override
    public String toString() {
        return "HistogramObserver[" + grid + ", " + counts + "]";
    }
}
