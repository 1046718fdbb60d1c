package org.quantlake.core.observe;

/**
 * A fixed histogram grid, decided before any counting (from pass 1's global min/max) and shared by every
 * executor, so histograms merge by adding int64 counts: no re-binning (PyTorch) and no "first batch sets the
 * width" (ONNX Runtime), either of which would make the result depend on data order.
 *
 * <p>Bin {@code i} (0 <= i < bins) covers {@code [(firstIndex + i) * width, (firstIndex + i + 1) * width)} in
 * double arithmetic. Edges sit on integer multiples of {@code width}, so 0 is always an edge: no bin straddles
 * zero, which lets the magnitude-based searches (KL, percentile) fold negative and positive bins exactly.
 * A finite value {@code x} lands in bin {@code floor(x / width) - firstIndex}, clamped to [0, bins).
 *
 * @param width      bin width, > 0
 * @param firstIndex index (in units of width, counted from 0) of the first bin's lower edge
 * @param bins       number of bins
 */
public record HistogramGrid(double width, long firstIndex, int bins) {
    /** Default bin count, as PyTorch's HistogramObserver and ONNX Runtime's calibrators. */
    public static final int DEFAULT_BINS = 2048;
    /** Upper bound on the bin count (keeps states and searches small; 2^20 bins = 8 MiB of counts). */
    public static final int MAX_BINS = 1 << 20;

    public HistogramGrid {
        if (!(width > 0) || !Double.isFinite(width)) throw new IllegalArgumentException("bin width must be finite and > 0, got " + width);
        if (bins < 2 || bins > MAX_BINS) throw new IllegalArgumentException("bins must be in [2, " + MAX_BINS + "], got " + bins);
    }

    /**
     * The grid of {@code bins} bins covering [min(min, 0), max(max, 0)]: width = (hi - lo) / (bins - 1), so the
     * range fits with room for the alignment of edges to multiples of width. An all-zero range gets width 1.
     */
    public static HistogramGrid covering(float min, float max, int bins) {
        if (!Float.isFinite(min) || !Float.isFinite(max) || min > max) {
            throw new IllegalArgumentException("histogram range [" + min + ", " + max + "] must be finite with min <= max");
        }
        if (bins < 2 || bins > MAX_BINS) throw new IllegalArgumentException("bins must be in [2, " + MAX_BINS + "], got " + bins);
        double lo = Math.min(min, 0f);
        double hi = Math.max(max, 0f);
        double w = (hi - lo) / (bins - 1);
        if (!(w > 0)) w = 1.0;
        long first = (long) Math.floor(lo / w);
        return new HistogramGrid(w, first, bins);
    }

    /** The bin of a finite value, before clamping (may be < 0 or >= bins). */
    public long rawBin(float x) {
        return (long) Math.floor(x / width) - firstIndex;
    }

    /** Lower edge of bin i (i may equal bins, for the upper edge of the last bin). */
    public double edge(int i) {
        return (firstIndex + i) * width;
    }

    /** Index of the bin whose lower edge is 0. */
    public long zeroBin() {
        return -firstIndex;
    }
}
