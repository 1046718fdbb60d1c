package org.quantlake.core.kernels;

import org.quantlake.core.quant.Requantizer;

/**
 * The reference depthwise int8 convolution (one filter per channel): for each output, {@code bias} plus
 * {@code w * (x - xZp)} over the taps that land inside the input, requantized by the rule. Plain loops, kept as
 * the definition the native kernel (which reads padding as the zero point instead) is tested against.
 */
final class Int8Depthwise {

    private Int8Depthwise() {
    }

    /** One channel plane: x at xOff is [inH][inW], weights at wOff are [kh][kw], y at yOff is [outH][outW]. */
    static void plane(Int8ConvSpec s, byte[] x, int xOff, byte[] w, int wOff, int bias, float mult, byte[] y,
                      int yOff) {
        int xZp = s.xZp();
        for (int oh = 0; oh < s.outH(); oh++) {
            for (int ow = 0; ow < s.outW(); ow++) {
                int acc = bias;
                for (int i = 0; i < s.kh(); i++) {
                    int ih = oh * s.sh() - s.padTop() + i * s.dh();
                    if (ih < 0 || ih >= s.inH()) {
                        continue;
                    }
                    for (int j = 0; j < s.kw(); j++) {
                        int iw = ow * s.sw() - s.padLeft() + j * s.dw();
                        if (iw < 0 || iw >= s.inW()) {
                            continue;
                        }
                        acc += w[wOff + i * s.kw() + j] * ((x[xOff + ih * s.inW() + iw] & 0xFF) - xZp);
                    }
                }
                y[yOff + oh * s.outW() + ow] = (byte) Requantizer.requantize(acc, mult, s.yZp(), s.lo(), s.hi());
            }
        }
    }
}
