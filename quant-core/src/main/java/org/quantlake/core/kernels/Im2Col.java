package org.quantlake.core.kernels;

/**
 * Lays out convolution windows as matrix columns so a convolution becomes one GEMM:
 * {@code col[(c * kh + i) * kw + j][oh * outW + ow] = x[c][oh * sh - padTop + i * dh][ow * sw - padLeft + j * dw]},
 * with zeros (or {@code padValue}) where the window hangs over the padding. Generic over the element array type so
 * the int8 engine can reuse it with its zero point as the pad value.
 */
public final class Im2Col {
    private Im2Col() {}

    /** float32 version: x is [channels, inH, inW] at xOff; col is [channels*kh*kw, outH*outW] at colOff. */
    public static void im2col(float[] x, int xOff, int channels, int inH, int inW, int kh, int kw, int sh, int sw,
                              int dh, int dw, int padTop, int padLeft, int outH, int outW, float[] col, int colOff) {
        int outHW = outH * outW;
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int plane = xOff + c * inH * inW;
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, row++) {
                    int dst = colOff + row * outHW;
                    int colShift = j * dw - padLeft;
                    // ow range whose input column lies inside [0, inW)
                    int owLo = colShift >= 0 ? 0 : Math.min(outW, ceilDiv(-colShift, sw));
                    int owHi = Math.max(owLo, Math.min(outW, ceilDiv(inW - colShift, sw)));
                    for (int oh = 0; oh < outH; oh++, dst += outW) {
                        int ih = oh * sh - padTop + i * dh;
                        if (ih < 0 || ih >= inH) {
                            java.util.Arrays.fill(col, dst, dst + outW, 0f);
                            continue;
                        }
                        int src = plane + ih * inW + colShift;
                        for (int ow = 0; ow < owLo; ow++) col[dst + ow] = 0f;
                        if (sw == 1) {
                            System.arraycopy(x, src + owLo, col, dst + owLo, owHi - owLo);
                        } else {
                            for (int ow = owLo; ow < owHi; ow++) col[dst + ow] = x[src + ow * sw];
                        }
                        for (int ow = owHi; ow < outW; ow++) col[dst + ow] = 0f;
                    }
                }
            }
        }
    }

    /** Byte version for uint8/int8 activations; {@code pad} fills the padding (the zero point). */
    public static void im2col(byte[] x, int xOff, int channels, int inH, int inW, int kh, int kw, int sh, int sw,
                              int dh, int dw, int padTop, int padLeft, int outH, int outW, byte[] col, int colOff, byte pad) {
        int outHW = outH * outW;
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int plane = xOff + c * inH * inW;
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, row++) {
                    int dst = colOff + row * outHW;
                    int colShift = j * dw - padLeft;
                    int owLo = colShift >= 0 ? 0 : Math.min(outW, ceilDiv(-colShift, sw));
                    int owHi = Math.max(owLo, Math.min(outW, ceilDiv(inW - colShift, sw)));
                    for (int oh = 0; oh < outH; oh++, dst += outW) {
                        int ih = oh * sh - padTop + i * dh;
                        if (ih < 0 || ih >= inH) {
                            java.util.Arrays.fill(col, dst, dst + outW, pad);
                            continue;
                        }
                        int src = plane + ih * inW + colShift;
                        for (int ow = 0; ow < owLo; ow++) col[dst + ow] = pad;
                        if (sw == 1) {
                            System.arraycopy(x, src + owLo, col, dst + owLo, owHi - owLo);
                        } else {
                            for (int ow = owLo; ow < owHi; ow++) col[dst + ow] = x[src + ow * sw];
                        }
                        for (int ow = owHi; ow < outW; ow++) col[dst + ow] = pad;
                    }
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return Math.floorDiv(a + b - 1, b);
    }
}
