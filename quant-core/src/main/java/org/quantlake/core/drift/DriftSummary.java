package org.quantlake.core.drift;

/**
 * Drift of one data partition, a mergeable sum of {@link RowDrift}s (and labels where present): merge adds the
 * counters, so the per-partition figures do not depend on how rows were split into tasks. Means are computed at the
 * end. Sums are doubles: they are reported, not fed back into anything that must be bit-identical.
 */
public final class DriftSummary {
    private long rows;
    private long agree;
    private long labelled;
    private long correctFp32;
    private long correctInt8;
    private double sumAbsDiff;
    private double sumCosine;
    private double sumKl;

    /** Adds one row; {@code label} is -1 when the row has none. */
    public void add(RowDrift d, int label) {
        rows++;
        if (d.agree()) agree++;
        if (label >= 0) {
            labelled++;
            if (d.top1Fp32() == label) correctFp32++;
            if (d.top1Int8() == label) correctInt8++;
        }
        sumAbsDiff += d.meanAbsDiff();
        sumCosine += d.cosine();
        sumKl += d.kl();
    }

    public DriftSummary merge(DriftSummary o) {
        rows += o.rows;
        agree += o.agree;
        labelled += o.labelled;
        correctFp32 += o.correctFp32;
        correctInt8 += o.correctInt8;
        sumAbsDiff += o.sumAbsDiff;
        sumCosine += o.sumCosine;
        sumKl += o.sumKl;
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

    public double meanAbsDiff() { return rows == 0 ? Double.NaN : sumAbsDiff / rows; }

    public double meanCosine() { return rows == 0 ? Double.NaN : sumCosine / rows; }

    public double meanKl() { return rows == 0 ? Double.NaN : sumKl / rows; }
}
