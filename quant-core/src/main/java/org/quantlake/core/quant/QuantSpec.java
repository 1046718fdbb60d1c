package org.quantlake.core.quant;

import java.util.Objects;

/**
 * What to quantize to: dtype, scheme, channel axis, and the two range options.
 *
 * <p>{@code reduceRange} uses 7 bits (see {@link QuantDType#qmin(boolean)}). {@code narrowRange} is for
 * symmetric QINT8 only and drops -128, so the range is [-127, 127] and {@code scale = absmax / 127}: the
 * convention of ONNX Runtime's and TensorRT's weight quantizers, which keeps the grid symmetric (PyTorch's
 * default [-128, 127] uses {@code absmax / 127.5} and clips +absmax by half a step).
 *
 * @param dtype       target integer type
 * @param scheme      per-tensor / per-channel, affine / symmetric
 * @param axis        channel axis for per-channel schemes (>= 0), -1 for per-tensor schemes
 * @param reduceRange use 7-bit ranges for 8-bit types
 * @param narrowRange symmetric QINT8 only: use [-127, 127]
 */
public record QuantSpec(QuantDType dtype, QScheme scheme, int axis, boolean reduceRange, boolean narrowRange) {

    public QuantSpec {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(scheme, "scheme");
        if (scheme.isPerChannel() && axis < 0) {
            throw new IllegalArgumentException(scheme + " needs a channel axis >= 0, got " + axis);
        }
        if (!scheme.isPerChannel() && axis != -1) {
            throw new IllegalArgumentException(scheme + " is per-tensor; axis must be -1, got " + axis);
        }
        if (narrowRange && !(dtype == QuantDType.QINT8 && scheme.isSymmetric())) {
            throw new IllegalArgumentException("narrowRange applies to symmetric QINT8 only, not " + dtype + " " + scheme);
        }
    }

    /** Per-tensor affine uint8: the default for activations. */
    public static QuantSpec activationsU8() {
        return new QuantSpec(QuantDType.QUINT8, QScheme.PER_TENSOR_AFFINE, -1, false, false);
    }

    /** Per-channel symmetric int8 on {@code axis}, range [-127, 127]: the default for weights. */
    public static QuantSpec weightsPerChannel(int axis) {
        return new QuantSpec(QuantDType.QINT8, QScheme.PER_CHANNEL_SYMMETRIC, axis, false, true);
    }

    public static QuantSpec perTensor(QuantDType dtype, boolean symmetric) {
        return new QuantSpec(dtype, symmetric ? QScheme.PER_TENSOR_SYMMETRIC : QScheme.PER_TENSOR_AFFINE, -1, false, false);
    }

    public QuantSpec withReduceRange(boolean reduce) {
        return new QuantSpec(dtype, scheme, axis, reduce, narrowRange);
    }

    /** Lowest integer the range is mapped onto. */
    public int quantMin() {
        int q = dtype.qmin(reduceRange);
        return narrowRange ? q + 1 : q;
    }

    /** Highest integer the range is mapped onto. */
    public int quantMax() {
        return dtype.qmax(reduceRange);
    }

    /** Number of quantization levels, quantMax - quantMin + 1 (as a long: QINT32 has 2^32). */
    public long levels() {
        return (long) quantMax() - quantMin() + 1;
    }
}
