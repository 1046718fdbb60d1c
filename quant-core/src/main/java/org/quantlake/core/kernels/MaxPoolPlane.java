package org.quantlake.core.kernels;

import java.util.Arrays;

/**
 * Float max pooling of channel planes, separably ({@link MaxPoolLayout}): kh row taps then kw column taps, each one
 * long branch-free {@link FloatKernels#maxInto} (a per-window loop with a data-dependent compare mispredicted on real
 * activations and took half of SqueezeNet's time). The padding is -Inf, so it never wins; a window entirely in the
 * padding gives -Inf; NaN propagates (Math.max), as in ONNX Runtime.
 * One instance per layer geometry; {@link #plane} is thread-safe given its own scratch.
 */
public final class MaxPoolPlane {
    private final MaxPoolLayout l;

    public MaxPoolPlane(int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw, int padTop, int padLeft,
                        int outH, int outW) {
        l = new MaxPoolLayout(inH, inW, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW);
    }

    /** Floats of scratch {@link #plane} needs. */
    public int scratchSize() {
        return l.size;
    }

    /** out[outH*outW] = max over each window's taps of the plane x[inH][inW]. */
    public void plane(FloatKernels k, float[] x, int xOff, float[] out, int outOff, float[] s) {
        l.rows.load(x, xOff, Float.NEGATIVE_INFINITY, s);
        int run = l.run, v = l.vOff, h = l.hOff;
        System.arraycopy(s, l.rowTap(0), s, v, run);
        for (int i = 1; i < l.kh; i++) {
            k.maxInto(run, s, l.rowTap(i), s, v);
        }
        Arrays.fill(s, v + run, v + run + l.vSlack, Float.NEGATIVE_INFINITY);
        System.arraycopy(s, v, s, h, run);
        for (int j = 1; j < l.kw; j++) {
            k.maxInto(run, s, v + j * l.dw, s, h);
        }
        int pw = l.pw, outW = l.outW, sw = l.sw;
        for (int oh = 0; oh < l.outH; oh++) {
            int from = h + oh * pw, to = outOff + oh * outW;
            if (sw == 1) {
                System.arraycopy(s, from, out, to, outW);
            } else {
                for (int ow = 0; ow < outW; ow++) {
                    out[to + ow] = s[from + ow * sw];
                }
            }
        }
    }
}
