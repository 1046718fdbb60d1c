package org.quantlake.core.ptq;

import java.util.Locale;
import org.quantlake.core.observe.RangeMethod;

/**
 * How activation ranges are calibrated: an observer kind plus, for histograms, the range search.
 * Histogram methods take two passes over the data (global range, then counts on the grid it fixes).
 */
public enum CalibrationMethod {
    /** Global min/max (one pass). */
    MINMAX(null),
    /** Mean over samples of per-sample min/max (one pass; NNCF's default). */
    MEAN_MINMAX(null),
    /** Histogram + PyTorch's L2 search. */
    HISTOGRAM_L2(RangeMethod.L2),
    /** Histogram + TensorRT's KL (entropy) search. */
    HISTOGRAM_KL(RangeMethod.KL),
    /** Histogram + percentile of |x|. */
    HISTOGRAM_PERCENTILE(RangeMethod.PERCENTILE),
    /** Histogram + least-MSE scan. */
    HISTOGRAM_MSE(RangeMethod.MSE);

    private final RangeMethod search;

    CalibrationMethod(RangeMethod search) {
        this.search = search;
    }

    /** True for the two-pass histogram methods. */
    public boolean usesHistogram() { return search != null; }

    /** The histogram range search (null for one-pass methods). */
    public RangeMethod search() { return search; }

    /** Parses names like "minmax", "mean-minmax", "histogram-kl", "percentile", "kl", "l2", "mse" (case-insensitive). */
    public static CalibrationMethod parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (k) {
            case "minmax", "min-max" -> MINMAX;
            case "mean-minmax", "mean-min-max", "meanminmax" -> MEAN_MINMAX;
            case "l2", "histogram-l2", "histogram" -> HISTOGRAM_L2;
            case "kl", "entropy", "histogram-kl" -> HISTOGRAM_KL;
            case "percentile", "histogram-percentile" -> HISTOGRAM_PERCENTILE;
            case "mse", "histogram-mse" -> HISTOGRAM_MSE;
            default -> throw new IllegalArgumentException("unknown calibration method '" + s
                    + "' (minmax, mean-minmax, l2, kl, percentile, mse)");
        };
    }

    /** The canonical lower-case name ("histogram-kl"). */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
