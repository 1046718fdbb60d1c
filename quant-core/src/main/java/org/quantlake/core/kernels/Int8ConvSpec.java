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
                           int hi) implements ConvGeometry {

    public Int8ConvSpec {
        ConvGeometry.check(channels, inH, inW, outChannels, group, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW);
        if (xZp < 0 || xZp > 255 || yZp < 0 || yZp > 255 || !(0 <= lo && lo <= hi && hi <= 255)) {
            throw new IllegalArgumentException("uint8 zero points and 0 <= lo <= hi <= 255 required, got x zp " + xZp
                    + ", y zp " + yZp + ", [" + lo + ", " + hi + "]");
        }
    }

    /** Bytes of {@code images} input images; checked against int range. */
    public int inputBytes(int images) {
        return inputValues(images);
    }

    /** Bytes of {@code images} output images; checked against int range. */
    public int outputBytes(int images) {
        return outputValues(images);
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
