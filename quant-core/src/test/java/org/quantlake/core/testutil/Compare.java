package org.quantlake.core.testutil;

/** Error measures between our outputs and a reference. */
public final class Compare {
    private Compare() {}

    /**
     * Relative error of one sample's output vector: max |a - b| over the vector divided by max |b| (the scale of
     * the reference output), so near-zero elements do not blow up the measure.
     */
    public static double relError(float[] a, int aOff, float[] b, int bOff, int n) {
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < n; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) a[aOff + i] - b[bOff + i]));
            maxRef = Math.max(maxRef, Math.abs(b[bOff + i]));
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }

    public static int argmax(float[] v, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (v[off + i] > v[off + best]) best = i;
        return best;
    }
}
