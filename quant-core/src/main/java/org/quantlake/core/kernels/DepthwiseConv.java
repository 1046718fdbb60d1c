package org.quantlake.core.kernels;

import java.util.Arrays;

/**
 * Direct depthwise convolution of channel planes (group = channels, one filter per channel), where im2col + GEMM
 * would multiply 1-row matrices. The plane is padded and split into stride phases once ({@link PaddedPhases}), then
 * each tap is one long {@link FloatKernels#axpy} over the whole output, in tap order (i, j); padding adds w * 0.
 * One instance per layer geometry; {@link #plane} is thread-safe given its own scratch.
 */
public final class DepthwiseConv {
    private final PaddedPhases p;

    public DepthwiseConv(int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw, int padTop, int padLeft,
                         int outH, int outW) {
        p = new PaddedPhases(inH, inW, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW);
    }

    /** Floats of scratch {@link #plane} needs. */
    public int scratchSize() {
        return p.size;
    }

    /** out[outH*outW] = bias + sum over taps of w[i][j] * x[ih][iw] for the plane x[inH][inW]; w is [kh][kw]. */
    public void plane(FloatKernels k, float[] x, int xOff, float[] w, int wOff, float bias, float[] out, int outOff,
                      float[] scratch) {
        p.load(x, xOff, 0f, scratch);
        int run = p.run();
        Arrays.fill(scratch, p.wideOff, p.wideOff + run, bias);
        for (int i = 0; i < p.kh; i++) {
            for (int j = 0; j < p.kw; j++) {
                k.axpy(run, w[wOff + i * p.kw + j], scratch, p.tap(i, j), scratch, p.wideOff);
            }
        }
        p.store(scratch, out, outOff);
    }
}
