package org.quantlake.core.quant;

/**
 * Chooses (scale, zero point) from an observed range, in float32 arithmetic so the result is the same bits on
 * every JVM (and matches PyTorch's {@code _calculate_qparams}, which computes in float32 tensors).
 *
 * <pre>
 *   min' = min(min, 0),  max' = max(max, 0)                  the range always contains 0, so 0 is exact
 *   [qmin, qmax] = spec.quantMin(), spec.quantMax()          honours reduceRange and narrowRange
 *
 *   affine:     scale = max(EPS, (max' - min') / (qmax - qmin))
 *               zp    = clamp(qmin - roundHalfEven(min' / scale), qmin, qmax)
 *
 *   symmetric:  a     = max(-min', max')
 *               scale = max(EPS, a / ((qmax - qmin) / 2))
 *               zp    = 0 for signed types,  (qmin + qmax + 1) / 2 for QUINT8  (128; 64 with reduceRange)
 * </pre>
 * EPS is float32 machine epsilon (2^-23), PyTorch's default, so a degenerate range (min == max, or all zeros)
 * still yields a valid scale and never a division by zero. Per-channel schemes apply the same rule to each
 * channel independently.
 */
public final class QParamsCalculator {
    /** Smallest scale ever returned: float32 machine epsilon, as PyTorch's observers use. */
    public static final float EPS = Math.ulp(1.0f);

    private QParamsCalculator() {}

    /** Per-tensor qparams for the range [min, max]. Both must be finite and min <= max. */
    public static QParams perTensor(float min, float max, QuantSpec spec) {
        if (spec.scheme().isPerChannel()) {
            throw new IllegalArgumentException("spec " + spec.scheme() + " is per-channel; use perChannel(...)");
        }
        float[] sz = new float[1];
        int zp = compute(min, max, spec, sz, 0, "tensor");
        return QParams.perTensor(spec.dtype(), sz[0], zp);
    }

    /** Per-channel qparams: channel c gets the range [mins[c], maxs[c]]. */
    public static QParams perChannel(float[] mins, float[] maxs, QuantSpec spec) {
        if (!spec.scheme().isPerChannel()) {
            throw new IllegalArgumentException("spec " + spec.scheme() + " is per-tensor; use perTensor(...)");
        }
        if (mins.length != maxs.length || mins.length == 0) {
            throw new IllegalArgumentException("need the same non-zero number of mins and maxs, got " + mins.length + " and " + maxs.length);
        }
        float[] scales = new float[mins.length];
        int[] zps = new int[mins.length];
        for (int c = 0; c < mins.length; c++) {
            zps[c] = compute(mins[c], maxs[c], spec, scales, c, "channel " + c);
        }
        return QParams.perChannel(spec.dtype(), spec.axis(), scales, zps);
    }

    /** Dispatches on the spec's scheme: per-channel specs take every channel, per-tensor specs need exactly one. */
    public static QParams fromRange(ChannelRange range, QuantSpec spec) {
        if (spec.scheme().isPerChannel()) return perChannel(range.mins(), range.maxs(), spec);
        if (range.channels() != 1) {
            throw new IllegalArgumentException("per-tensor spec given a " + range.channels() + "-channel range");
        }
        return perTensor(range.min(0), range.max(0), spec);
    }

    private static int compute(float min, float max, QuantSpec spec, float[] scaleOut, int at, String what) {
        if (!Float.isFinite(min) || !Float.isFinite(max)) {
            throw new IllegalArgumentException(what + ": range [" + min + ", " + max + "] is not finite");
        }
        if (min > max) {
            throw new IllegalArgumentException(what + ": range [" + min + ", " + max + "] has min > max");
        }
        float minNeg = Math.min(min, 0f);
        float maxPos = Math.max(max, 0f);
        int qmin = spec.quantMin();
        int qmax = spec.quantMax();
        float span = (float) ((long) qmax - qmin);
        float scale;
        int zp;
        if (spec.scheme().isSymmetric()) {
            float absMax = Math.max(-minNeg, maxPos);
            scale = Math.max(EPS, absMax / (span / 2f));
            zp = spec.dtype() == QuantDType.QUINT8 ? (qmin + qmax + 1) / 2 : 0;
        } else {
            scale = Math.max(EPS, (maxPos - minNeg) / span);
            double zpReal = qmin - Math.rint(minNeg / scale);
            zp = (int) Math.max(qmin, Math.min(qmax, zpReal));
        }
        if (!Float.isFinite(scale)) {
            throw new IllegalArgumentException(what + ": range [" + min + ", " + max + "] is too wide for a float32 scale");
        }
        scaleOut[at] = scale;
        return zp;
    }
}
