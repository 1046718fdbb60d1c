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
    /** Floats the native kernel reads past the padded row (ql_pool.c: ql_maxpool_f32_scratch). */
    private static final int NATIVE_ROW_SLACK = 24;
    private final MaxPoolLayout l;

    public MaxPoolPlane(int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw, int padTop, int padLeft,
                        int outH, int outW) {
        l = new MaxPoolLayout(inH, inW, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW);
    }

    /** Floats of scratch {@link #plane} and {@link #planes} need (in every implementation). */
    public int scratchSize() {
        return Math.max(l.size, Math.addExact(l.pw, NATIVE_ROW_SLACK));
    }

    int[] geometry() {
        return l.geometry;
    }

    int inSize() {
        return l.inSize();
    }

    int outSize() {
        return l.outSize();
    }

    /**
     * {@code planes} consecutive planes of x (from xOff) pooled into y (from yOff) by {@code k}'s
     * {@link FloatKernels#maxPool}: every implementation gives the bits {@link #plane} gives.
     */
    public void planes(FloatKernels k, float[] x, int xOff, int planes, float[] y, int yOff, float[] scratch) {
        k.maxPool(this, planes, x, xOff, y, yOff, scratch);
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
