package org.quantlake.core.kernels;

import java.util.Arrays;

/**
 * uint8 max pooling of channel planes, separably like {@link MaxPoolPlane} ({@link MaxPoolLayout}), each tap one long
 * {@link Int8Kernels#maxU8}. The padding is 0, the smallest uint8, so it never changes a window's maximum and a window
 * entirely in the padding gives 0, as the per-window definition does. Max commutes with the monotone dequantization,
 * so this is exact for any scale. One instance per layer geometry; {@link #plane} is thread-safe given its own scratch.
 */
public final class Int8MaxPoolPlane {
    private final MaxPoolLayout l;

    public Int8MaxPoolPlane(int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw, int padTop, int padLeft,
                            int outH, int outW) {
        l = new MaxPoolLayout(inH, inW, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW);
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
     * {@link Int8Kernels#maxPoolU8}: every implementation gives the bytes {@link #plane} gives.
     */
    public void planes(Int8Kernels k, byte[] x, int xOff, int planes, byte[] y, int yOff, byte[] scratch) {
        k.maxPoolU8(this, planes, x, xOff, y, yOff, scratch);
    }

    /** Bytes of scratch {@link #plane} needs. */
    public int scratchSize() {
        return l.size;
    }

    /** out[outH*outW] = max over each window's taps of the uint8 plane x[inH][inW]. */
    public void plane(Int8Kernels k, byte[] x, int xOff, byte[] out, int outOff, byte[] s) {
        l.rows.load(x, xOff, (byte) 0, s);
        int run = l.run, v = l.vOff, h = l.hOff;
        System.arraycopy(s, l.rowTap(0), s, v, run);
        for (int i = 1; i < l.kh; i++) {
            k.maxU8(run, s, l.rowTap(i), s, v);
        }
        Arrays.fill(s, v + run, v + run + l.vSlack, (byte) 0);
        System.arraycopy(s, v, s, h, run);
        for (int j = 1; j < l.kw; j++) {
            k.maxU8(run, s, v + j * l.dw, s, h);
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
