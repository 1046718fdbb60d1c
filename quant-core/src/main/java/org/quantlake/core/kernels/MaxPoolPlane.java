package org.quantlake.core.kernels;

import java.util.Arrays;

/**
 * Float max pooling of channel planes: the plane is padded with -Inf and split into stride phases once
 * ({@link PaddedPhases}), then each tap is one long branch-free {@link FloatKernels#maxInto} over the whole output (a
 * per-window loop with a data-dependent compare mispredicted on real activations and took half of SqueezeNet's time).
 * Padding never wins; a window entirely in the padding gives -Inf; NaN propagates (Math.max), as in ONNX Runtime.
 * One instance per layer geometry; {@link #plane} is thread-safe given its own scratch.
 */
public final class MaxPoolPlane {
    private final PaddedPhases p;

    public MaxPoolPlane(int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw, int padTop, int padLeft,
                        int outH, int outW) {
        p = new PaddedPhases(inH, inW, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW);
    }

    /** Floats of scratch {@link #plane} needs. */
    public int scratchSize() {
        return p.size;
    }

    /** out[outH*outW] = max over each window's taps of the plane x[inH][inW]. */
    public void plane(FloatKernels k, float[] x, int xOff, float[] out, int outOff, float[] scratch) {
        p.load(x, xOff, Float.NEGATIVE_INFINITY, scratch);
        int run = p.run();
        Arrays.fill(scratch, p.wideOff, p.wideOff + run, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < p.kh; i++) {
            for (int j = 0; j < p.kw; j++) {
                k.maxInto(run, scratch, p.tap(i, j), scratch, p.wideOff);
            }
        }
        p.store(scratch, out, outOff);
    }
}
