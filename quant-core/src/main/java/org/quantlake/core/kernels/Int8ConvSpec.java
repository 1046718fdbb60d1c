package org.quantlake.core.kernels;

/**
 * Geometry and quantization of one int8 convolution layer (QConv): uint8 input {@code [images][channels][inH][inW]}
 * with zero point {@code xZp}, int8 weights {@code [outChannels][channels / group][kh][kw]} with zero zero points,
 * uint8 output {@code [images][outChannels][outH][outW]} with zero point {@code yZp}, clamped to {@code [lo, hi]}
 * (the fused Relu/Clip). Padding beyond {@code padTop}/{@code padLeft} is implied by the output size. The batch is
 * not part of the spec: one prepared layer runs any number of images.
 */
public record Int8ConvSpec(int channels, int inH, int inW, int outChannels, int group, int kh, int kw, int sh, int sw,
                           int dh, int dw, int padTop, int padLeft, int outH, int outW, int xZp, int yZp, int lo,
                           int hi) {

    public Int8ConvSpec {
        if (channels <= 0 || inH <= 0 || inW <= 0 || outChannels <= 0 || group <= 0 || kh <= 0 || kw <= 0 || sh <= 0
                || sw <= 0 || dh <= 0 || dw <= 0 || padTop < 0 || padLeft < 0 || outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("conv sizes must be positive (pads non-negative): " + this);
        }
        if (channels % group != 0 || outChannels % group != 0) {
            throw new IllegalArgumentException("channels and output channels must divide by group: " + this);
        }
        if (xZp < 0 || xZp > 255 || yZp < 0 || yZp > 255 || !(0 <= lo && lo <= hi && hi <= 255)) {
            throw new IllegalArgumentException("uint8 zero points and 0 <= lo <= hi <= 255 required: " + this);
        }
        // Every index the kernels form must fit an int: the largest is a whole batch's input or output.
        long taps = (long) channels / group * kh * kw;
        if (taps * outChannels > Integer.MAX_VALUE || (long) inH * inW * channels > Integer.MAX_VALUE
                || (long) outH * outW * Math.max(outChannels, taps) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv layer too large for int indexing: " + this);
        }
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

    /** Bytes of {@code images} input images; checked against int range. */
    public int inputBytes(int images) {
        return Math.toIntExact((long) images * channels * inPlane());
    }

    /** Bytes of {@code images} output images; checked against int range. */
    public int outputBytes(int images) {
        return Math.toIntExact((long) images * outChannels * outPlane());
    }

    /**
     * Per output channel {@code bias[o] - xZp * sum(w[o])} (int arithmetic, wrapping as every kernel does): the
     * constant that makes padded taps, which read the zero point, contribute exactly zero.
     */
    public int[] offsets(byte[] weights, int[] bias) {
        int k = k();
        int[] offset = new int[outChannels];
        for (int o = 0; o < outChannels; o++) {
            int sum = 0;
            for (int q = 0; q < k; q++) {
                sum += weights[o * k + q];
            }
            offset[o] = bias[o] - xZp * sum;
        }
        return offset;
    }

    /** The spec as ints in field order (the native binding's layout). */
    int[] toArray() {
        return new int[] {channels, inH, inW, outChannels, group, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW,
            xZp, yZp, lo, hi};
    }
}
