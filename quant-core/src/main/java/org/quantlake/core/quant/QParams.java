package org.quantlake.core.quant;

import java.util.Arrays;
import java.util.Objects;

/**
 * Quantization parameters: one (scale, zero point) per tensor, or one per channel along {@link #axis()}.
 * Immutable. Real value {@code r} and quantized value {@code q} relate by {@code r = (q - zero_point) * scale}.
 */
public final class QParams {
    private final QuantDType dtype;
    private final int axis;
    private final float[] scales;
    private final int[] zeroPoints;

    private QParams(QuantDType dtype, int axis, float[] scales, int[] zeroPoints) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        if (scales.length == 0 || scales.length != zeroPoints.length) {
            throw new IllegalArgumentException("need as many zero points as scales (>0), got " + scales.length + " and " + zeroPoints.length);
        }
        if (axis < 0 && scales.length != 1) throw new IllegalArgumentException("per-tensor qparams hold exactly one scale");
        for (int i = 0; i < scales.length; i++) {
            float s = scales[i];
            if (!(s > 0f) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("scale " + s + " at channel " + i + " is not a finite positive number");
            }
            int z = zeroPoints[i];
            if (z < dtype.qmin() || z > dtype.qmax()) {
                throw new IllegalArgumentException("zero point " + z + " at channel " + i + " outside " + dtype);
            }
        }
        this.axis = axis;
        this.scales = scales;
        this.zeroPoints = zeroPoints;
    }

    public static QParams perTensor(QuantDType dtype, float scale, int zeroPoint) {
        return new QParams(dtype, -1, new float[] {scale}, new int[] {zeroPoint});
    }

    public static QParams perChannel(QuantDType dtype, int axis, float[] scales, int[] zeroPoints) {
        if (axis < 0) throw new IllegalArgumentException("per-channel axis must be >= 0, got " + axis);
        return new QParams(dtype, axis, scales.clone(), zeroPoints.clone());
    }

    public QuantDType dtype() { return dtype; }

    /** Channel axis, or -1 for per-tensor. */
    public int axis() { return axis; }

    public boolean isPerChannel() { return axis >= 0; }

    public int channels() { return scales.length; }

    public float scale(int channel) { return scales[channel]; }

    public int zeroPoint(int channel) { return zeroPoints[channel]; }

    /** Per-tensor scale; throws for per-channel qparams. */
    public float scale() {
        requirePerTensor();
        return scales[0];
    }

    /** Per-tensor zero point; throws for per-channel qparams. */
    public int zeroPoint() {
        requirePerTensor();
        return zeroPoints[0];
    }

    public float[] scales() { return scales.clone(); }

    public int[] zeroPoints() { return zeroPoints.clone(); }

    private void requirePerTensor() {
        if (axis >= 0) throw new IllegalStateException("per-channel qparams (axis " + axis + ") have no single scale");
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof QParams q)) return false;
        return dtype == q.dtype && axis == q.axis && Arrays.equals(scales, q.scales) && Arrays.equals(zeroPoints, q.zeroPoints);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, axis, Arrays.hashCode(scales), Arrays.hashCode(zeroPoints));
    }

    @Override
    public String toString() {
        if (axis < 0) return "QParams{" + dtype + ", scale=" + scales[0] + ", zp=" + zeroPoints[0] + "}";
        return "QParams{" + dtype + ", axis=" + axis + ", scales=" + Arrays.toString(scales) + ", zps=" + Arrays.toString(zeroPoints) + "}";
    }
}
