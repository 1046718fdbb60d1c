package org.quantlake.core.kernels;

/**
 * The geometry a convolution layer spec shares between precisions ({@link FloatConvSpec}, {@link Int8ConvSpec}):
 * input {@code [images][channels][inH][inW]}, weights {@code [outChannels][channels / group][kh][kw]}, output
 * {@code [images][outChannels][outH][outW]}; padding beyond {@code padTop}/{@code padLeft} is implied by the output size.
 */
public interface ConvGeometry {
    int channels();
    int inH();
    int inW();
    int outChannels();
    int group();
    int kh();
    int kw();
    int sh();
    int sw();
    int dh();
    int dw();
    int padTop();
    int padLeft();
    int outH();
    int outW();

    /** Depth of the GEMM per group: {@code channels / group * kh * kw}. */
    default int k() {
        return channels() / group() * kh() * kw();
    }

    /** One filter per channel (group == channels == outChannels > 1): the direct depthwise kernel runs. */
    default boolean depthwise() {
        return group() == channels() && outChannels() == channels() && group() > 1;
    }

    /** A 1x1, stride-1, unpadded conv reads its input as the GEMM's B matrix directly (no im2col). */
    default boolean pointwise() {
        return kh() == 1 && kw() == 1 && sh() == 1 && sw() == 1 && padTop() == 0 && padLeft() == 0 && outH() == inH()
                && outW() == inW();
    }

    default int inPlane() {
        return inH() * inW();
    }

    default int outPlane() {
        return outH() * outW();
    }

    /** Values of {@code images} input images; checked against int range. */
    default int inputValues(int images) {
        return Math.toIntExact((long) images * channels() * inPlane());
    }

    /** Values of {@code images} output images; checked against int range. */
    default int outputValues(int images) {
        return Math.toIntExact((long) images * outChannels() * outPlane());
    }

    /**
     * The checks every spec's constructor makes: positive sizes (non-negative pads), channels divisible by the group, and
     * every index the kernels form within an int (the largest: a whole batch's input or output, or a column matrix of
     * one image). Messages name the values (a record's own toString shows zeros inside its constructor).
     */
    static void check(int channels, int inH, int inW, int outChannels, int group, int kh, int kw, int sh, int sw, int dh,
                      int dw, int padTop, int padLeft, int outH, int outW) {
        String geometry = "channels " + channels + ", in " + inH + "x" + inW + ", out channels " + outChannels + ", group "
                + group + ", kernel " + kh + "x" + kw + ", strides " + sh + "," + sw + ", dilations " + dh + "," + dw
                + ", pads " + padTop + "," + padLeft + ", out " + outH + "x" + outW;
        if (channels <= 0 || inH <= 0 || inW <= 0 || outChannels <= 0 || group <= 0 || kh <= 0 || kw <= 0 || sh <= 0
                || sw <= 0 || dh <= 0 || dw <= 0 || padTop < 0 || padLeft < 0 || outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("conv sizes must be positive (pads non-negative): " + geometry);
        }
        if (channels % group != 0 || outChannels % group != 0) {
            throw new IllegalArgumentException("channels and output channels must divide by group: " + geometry);
        }
        long taps = (long) channels / group * kh * kw;
        if (taps * outChannels > Integer.MAX_VALUE || (long) inH * inW * channels > Integer.MAX_VALUE
                || (long) outH * outW * Math.max(outChannels, taps) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv layer too large for int indexing: " + geometry);
        }
    }
}
