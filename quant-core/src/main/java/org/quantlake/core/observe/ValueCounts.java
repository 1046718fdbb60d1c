package org.quantlake.core.observe;

/**
 * How many values an observer saw, by kind. Non-finite values are counted here and never reach min/max or a
 * histogram. Merging adds the counts (int64 addition: associative and commutative).
 */
public final class ValueCounts {
    long finite;
    long nan;
    long posInf;
    long negInf;

    ValueCounts() {}

    ValueCounts(long finite, long nan, long posInf, long negInf) {
        this.finite = finite;
        this.nan = nan;
        this.posInf = posInf;
        this.negInf = negInf;
    }

    public long finite() { return finite; }
    public long nan() { return nan; }
    public long posInf() { return posInf; }
    public long negInf() { return negInf; }
    public long nonFinite() { return nan + posInf + negInf; }
    public long total() { return finite + nonFinite(); }

    void add(ValueCounts o) {
        finite += o.finite;
        nan += o.nan;
        posInf += o.posInf;
        negInf += o.negInf;
    }

    /** Counts one non-finite value by kind. */
    void countNonFinite(float v) {
        if (v != v) nan++;
        else if (v > 0) posInf++;
        else negInf++;
    }

    ValueCounts copy() {
        return new ValueCounts(finite, nan, posInf, negInf);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueCounts c && finite == c.finite && nan == c.nan && posInf == c.posInf && negInf == c.negInf;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(finite * 31 + nan * 17 + posInf * 7 + negInf);
    }

    @Override
    public String toString() {
        return "finite=" + finite + " nan=" + nan + " +inf=" + posInf + " -inf=" + negInf;
    }
}
