package org.quantlake.core.kernels;

/**
 * Geometry of one float convolution layer (Conv): input {@code [images][channels][inH][inW]}, weights
 * {@code [outChannels][channels / group][kh][kw]}, optional bias {@code [outChannels]}, output
 * {@code [images][outChannels][outH][outW]} clamped to {@code [lo, hi]} after the bias (a fused Relu: lo = 0; Clip /
 * Relu6: [lo, hi]; none: -Inf, +Inf). Padding beyond {@code padTop}/{@code padLeft} is implied by the output size.
 * The batch is not part of the spec: one prepared layer runs any number of images.
 */
public record FloatConvSpec(int channels, int inH, int inW, int outChannels, int group, int kh, int kw, int sh, int sw,
                            int dh, int dw, int padTop, int padLeft, int outH, int outW, float lo, float hi) {

    public FloatConvSpec {
        if (channels <= 0 || inH <= 0 || inW <= 0 || outChannels <= 0 || group <= 0 || kh <= 0 || kw <= 0 || sh <= 0
                || sw <= 0 || dh <= 0 || dw <= 0 || padTop < 0 || padLeft < 0 || outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("conv sizes must be positive (pads non-negative): " + this);
        }
        if (channels % group != 0 || outChannels % group != 0) {
            throw new IllegalArgumentException("channels and output channels must divide by group: " + this);
        }
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp bounds must satisfy lo <= hi (no NaN): " + this);
        }
        // Every index the kernels form must fit an int: the largest is a whole batch's input or output, or a
        // column matrix of one image.
        long taps = (long) channels / group * kh * kw;
        if (taps * outChannels > Integer.MAX_VALUE || (long) inH * inW * channels > Integer.MAX_VALUE
                || (long) outH * outW * Math.max(outChannels, taps) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv layer too large for int indexing: " + this);
        }
        // The padded plane the taps reach (the native kernels copy it per channel) must fit an int too.
        long ph = (long) (outH - 1) * sh + (long) (kh - 1) * dh + 1, pw = (long) (outW - 1) * sw + (long) (kw - 1) * dw + 1;
        if (ph * pw > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("conv layer's padded plane too large for int indexing: " + this);
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

    /** Depth of the GEMM per group: {@code channels / group * kh * kw}. */
    public int k() {
        return channels / group * kh * kw;
    }

    /** One filter per channel (group == channels == outChannels > 1): the direct depthwise kernel runs. */
    public boolean depthwise() {
        return group == channels && outChannels == channels && group > 1;
    }

    /** A 1x1, stride-1, unpadded conv reads its input as the GEMM's B matrix directly (no im2col). */
    public boolean pointwise() {
        return kh == 1 && kw == 1 && sh == 1 && sw == 1 && padTop == 0 && padLeft == 0 && outH == inH && outW == inW;
    }

    public int inPlane() {
        return inH * inW;
    }

    public int outPlane() {
        return outH * outW;
    }

    /** Floats of {@code images} input images; checked against int range. */
    public int inputFloats(int images) {
        return Math.toIntExact((long) images * channels * inPlane());
    }

    /** Floats of {@code images} output images; checked against int range. */
    public int outputFloats(int images) {
        return Math.toIntExact((long) images * outChannels * outPlane());
    }

    /** The spec's ints in field order (the native binding's layout); the clamp is passed separately. */
    int[] geometryArray() {
        return new int[] {channels, inH, inW, outChannels, group, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW};
    }
}
