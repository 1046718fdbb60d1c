package org.quantlake.core.kernels;

/**
 * Direct depthwise convolution for one channel plane (group = channels, one filter per channel), where im2col +
 * GEMM would multiply 1-row matrices. Accumulates tap by tap over whole output rows so the inner loop is a
 * contiguous multiply-add that C2 vectorises when the stride is 1.
 */
public final class DepthwiseConv {
    private DepthwiseConv() {}

    /** out[outH*outW] = bias + sum over taps of w[i][j] * x[ih][iw]; x is [inH, inW]; w is [kh, kw]. */
    public static void plane(float[] x, int xOff, int inH, int inW, float[] w, int wOff, int kh, int kw,
                             int sh, int sw, int dh, int dw, int padTop, int padLeft, int outH, int outW,
                             float bias, float[] out, int outOff) {
        java.util.Arrays.fill(out, outOff, outOff + outH * outW, bias);
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                float wv = w[wOff + i * kw + j];
                int colShift = j * dw - padLeft;
                int owLo = colShift >= 0 ? 0 : Math.min(outW, Math.floorDiv(-colShift + sw - 1, sw));
                int owHi = Math.max(owLo, Math.min(outW, Math.floorDiv(inW - colShift + sw - 1, sw)));
                for (int oh = 0; oh < outH; oh++) {
                    int ih = oh * sh - padTop + i * dh;
                    if (ih < 0 || ih >= inH) continue;
                    int src = xOff + ih * inW + colShift;
                    int dst = outOff + oh * outW;
                    if (sw == 1) {
                        for (int ow = owLo; ow < owHi; ow++) out[dst + ow] += wv * x[src + ow];
                    } else {
                        for (int ow = owLo; ow < owHi; ow++) out[dst + ow] += wv * x[src + ow * sw];
                    }
                }
            }
        }
    }
}
