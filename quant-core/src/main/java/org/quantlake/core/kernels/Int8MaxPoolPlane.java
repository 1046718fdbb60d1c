package org.quantlake.core.kernels;

import java.util.Arrays;

/**
 * uint8 max pooling of channel planes, laid out like {@link MaxPoolPlane}: the plane is padded with 0 (the smallest
 * uint8, so padding never changes a window's maximum and a window entirely in the padding gives 0, as the per-window
 * definition does) and split into stride phases once ({@link PaddedPhases}); each tap is then one long
 * {@link Int8Kernels#maxU8} over the whole output. Max commutes with the monotone dequantization, so this is exact for any scale.
 * One instance per layer geometry; {@link #plane} is thread-safe given its own scratch.
 */
public final class Int8MaxPoolPlane {
    private final PaddedPhases p;

    public Int8MaxPoolPlane(int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw, int padTop, int padLeft,
                            int outH, int outW) {
        p = new PaddedPhases(inH, inW, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW);
    }

    /** Bytes of scratch {@link #plane} needs. */
    public int scratchSize() {
        return p.size;
    }

    /** out[outH*outW] = max over each window's taps of the uint8 plane x[inH][inW]. */
    public void plane(Int8Kernels k, byte[] x, int xOff, byte[] out, int outOff, byte[] scratch) {
        p.load(x, xOff, (byte) 0, scratch);
        int run = p.run();
        int wide = p.wideOff;
        Arrays.fill(scratch, wide, wide + run, (byte) 0);
        for (int i = 0; i < p.kh; i++) {
            for (int j = 0; j < p.kw; j++) {
                k.maxU8(run, scratch, p.tap(i, j), scratch, wide);
            }
        }
        p.store(scratch, out, outOff);
    }
}
