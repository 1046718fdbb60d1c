package org.quantlake.core.kernels;

/**
 * Geometry of one float convolution layer (Conv): input {@code [images][channels][inH][inW]}, weights
 * {@code [outChannels][channels / group][kh][kw]}, optional bias {@code [outChannels]}, output
 * {@code [images][outChannels][outH][outW]} clamped to {@code [lo, hi]} after the bias (a fused Relu: lo = 0; Clip /
 * Relu6: [lo, hi]; none: -Inf, +Inf). Padding beyond {@code padTop}/{@code padLeft} is implied by the output size.
 * The batch is not part of the spec: one prepared layer runs any number of images.
 */
public record FloatConvSpec(int channels, int inH, int inW, int outChannels, int group, int kh, int kw, int sh, int sw,
                            int dh, int dw, int padTop, int padLeft, int outH, int outW, float lo, float hi)
        implements ConvGeometry {

    public FloatConvSpec {
        ConvGeometry.check(channels, inH, inW, outChannels, group, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW);
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp bounds must satisfy lo <= hi (no NaN), got [" + lo + ", " + hi + "]");
        }
        // The padded plane the taps reach (the native kernels copy it per channel) must fit an int too.
        long ph = (long) (outH - 1) * sh + (long) (kh - 1) * dh + 1, pw = (long) (outW - 1) * sw + (long) (kw - 1) * dw + 1;
        if (ph * pw > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("conv layer's padded plane (" + ph + " x " + pw + ") too large for int indexing");
        }
    }

    /** A layer without a fused activation (clamp to [-Inf, +Inf]). */
    public FloatConvSpec(int channels, int inH, int inW, int outChannels, int group, int kh, int kw, int sh, int sw,
                         int dh, int dw, int padTop, int padLeft, int outH, int outW) {
        this(channels, inH, inW, outChannels, group, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW,
                Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    /** This layer with the fused activation clamp {@code [lo, hi]}. */
    public FloatConvSpec withClamp(float lo, float hi) {
        return new FloatConvSpec(channels, inH, inW, outChannels, group, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH,
                outW, lo, hi);
    }

    /** Whether the clamp can change a value (it is not [-Inf, +Inf]). */
    public boolean clamps() {
        return lo != Float.NEGATIVE_INFINITY || hi != Float.POSITIVE_INFINITY;
    }

    /** Floats of {@code images} input images; checked against int range. */
    public int inputFloats(int images) {
        return inputValues(images);
    }

    /** Floats of {@code images} output images; checked against int range. */
    public int outputFloats(int images) {
        return outputValues(images);
    }

    /** The spec's ints in field order (the native binding's layout); the clamp is passed separately. */
    int[] geometryArray() {
        return new int[] {channels, inH, inW, outChannels, group, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW};
    }
}
