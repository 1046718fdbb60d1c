package org.quantlake.core.quant;

/**
 * The one requantization rule of this project, used by every int8 kernel (Java and native) and matching
 * ONNX Runtime's MLAS {@code MlasRequantizeOutput} and fbgemm, so a QDQ model we export runs to the same
 * bits in ONNX Runtime as in our engine:
 * <pre>
 *   multiplier = (in_scale * w_scale) / out_scale                       float32, evaluated left to right
 *   y          = saturate(roundHalfToEven((float) acc * multiplier) + out_zero_point)
 * </pre>
 * {@code acc} is the exact int32 accumulator (sum of (x - x_zp) * w plus the int32 bias). The product is a
 * float32 multiply ({@code (float) acc} rounds to nearest for |acc| > 2^24, as C's int-to-float conversion
 * does). Clamping to [qmin - zp, qmax - zp] before rounding, as MLAS does, gives the same result as after.
 */
public final class Requantizer {
    private Requantizer() {}

    /** The float32 multiplier for one output channel. */
    public static float multiplier(float inScale, float weightScale, float outScale) {
        return inScale * weightScale / outScale;
    }

    /** Multipliers for every channel of per-channel (or per-tensor) weight qparams. */
    public static float[] multipliers(float inScale, QParams weights, float outScale) {
        float[] m = new float[weights.channels()];
        for (int c = 0; c < m.length; c++) m[c] = multiplier(inScale, weights.scale(c), outScale);
        return m;
    }

    /** Requantizes one accumulator to [qmin, qmax] (the output dtype's full range, or a fused activation's clamp). */
    public static int requantize(int acc, float multiplier, int zeroPoint, int qmin, int qmax) {
        float v = (float) acc * multiplier;
        v = Math.max(v, (float) (qmin - zeroPoint));
        v = Math.min(v, (float) (qmax - zeroPoint));
        return (int) Math.rint(v) + zeroPoint;
    }
}
