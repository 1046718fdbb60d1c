package org.quantlake.core.drift;

/**
 * How one row's int8 output differs from its float32 output. All measures are computed in double from the two
 * output vectors (logits or probabilities, whatever the model emits):
 * <ul>
 *   <li>{@code agree}: the top-1 classes are equal;</li>
 *   <li>{@code meanAbsDiff}: mean over classes of |int8 - fp32|;</li>
 *   <li>{@code cosine}: cosine similarity of the two vectors (1 when both are zero);</li>
 *   <li>{@code kl}: KL(softmax(fp32) || softmax(int8)) in nats; outputs that already are probabilities (non-negative,
 *       summing to 1 within 1e-3) are used as they are rather than softmaxed again.</li>
 * </ul>
 */
public record RowDrift(int top1Fp32, int top1Int8, boolean agree, double meanAbsDiff, double cosine, double kl) {

    /** Compares one row: {@code n} outputs of each model starting at the given offsets. */
    public static RowDrift of(float[] fp32, int fOff, float[] int8, int iOff, int n) {
        if (n <= 0) throw new IllegalArgumentException("no outputs to compare");
        int tf = TopK.argmax(fp32, fOff, n);
        int ti = TopK.argmax(int8, iOff, n);
        double sumAbs = 0;
        double dot = 0;
        double nf = 0;
        double ni = 0;
        for (int k = 0; k < n; k++) {
            double a = fp32[fOff + k];
            double b = int8[iOff + k];
            sumAbs += Math.abs(a - b);
            dot += a * b;
            nf += a * a;
            ni += b * b;
        }
        double cos = nf == 0 && ni == 0 ? 1.0 : (nf == 0 || ni == 0 ? 0.0 : dot / Math.sqrt(nf * ni));
        double[] p = probabilities(fp32, fOff, n);
        double[] q = probabilities(int8, iOff, n);
        double kl = 0;
        for (int k = 0; k < n; k++) {
            if (p[k] > 0) kl += p[k] * Math.log(p[k] / Math.max(q[k], 1e-12));
        }
        return new RowDrift(tf, ti, tf == ti, sumAbs / n, cos, Math.max(0, kl));
    }

    /** The vector as probabilities: itself if it already is a distribution, else its softmax. */
    static double[] probabilities(float[] v, int off, int n) {
        double sum = 0;
        boolean nonNegative = true;
        for (int k = 0; k < n; k++) {
            if (v[off + k] < 0) nonNegative = false;
            sum += v[off + k];
        }
        double[] p = new double[n];
        if (nonNegative && Math.abs(sum - 1) <= 1e-3) {
            for (int k = 0; k < n; k++) p[k] = v[off + k] / sum;
            return p;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) max = Math.max(max, v[off + k]);
        double z = 0;
        for (int k = 0; k < n; k++) {
            p[k] = Math.exp(v[off + k] - max);
            z += p[k];
        }
        for (int k = 0; k < n; k++) p[k] /= z;
        return p;
    }
}
