package org.quantlake.core.kernels;

import java.util.Objects;

/**
 * The Java kernels' prepared convolution, composed of their own building blocks: per image and group, im2col
 * ({@link Im2Col}; skipped for pointwise layers, whose input already is the column matrix), {@link FloatKernels#gemm}
 * and {@link FloatKernels#biasClamp}; depthwise layers run {@link DepthwiseConv} per channel plane. The weights are
 * kept as given (not copied).
 */
final class GemmFloatConv implements FloatConv {

    private final FloatKernels kern;
    private final FloatConvSpec spec;
    private final float[] w;
    private final float[] bias;
    private final DepthwiseConv dwc;

    GemmFloatConv(FloatKernels kern, FloatConvSpec spec, float[] weights, float[] bias) {
        this.kern = kern;
        this.spec = spec;
        this.w = weights;
        this.bias = bias;
        this.dwc = spec.depthwise() ? new DepthwiseConv(spec.inH(), spec.inW(), spec.kh(), spec.kw(), spec.sh(),
                spec.sw(), spec.dh(), spec.dw(), spec.padTop(), spec.padLeft(), spec.outH(), spec.outW()) : null;
    }

    @Override
    public FloatConvSpec spec() {
        return spec;
    }

    @Override
    public int scratchFloats(int images) {
        if (images < 0) {
            throw new IllegalArgumentException("negative image count " + images);
        }
        if (dwc != null) {
            return dwc.scratchSize();
        }
        // One image's column matrix at a time; can exceed int where x and y do not.
        return spec.pointwise() ? 0 : Math.multiplyExact(spec.k(), spec.outPlane());
    }

    @Override
    public void run(float[] x, int xOff, int images, float[] y, int yOff, float[] scratch) {
        KernelArgs.checkFloatConvRun(spec, x, xOff, images, y, yOff, scratch, scratchFloats(images));
        FloatConvSpec s = spec;
        int c = s.channels(), m = s.outChannels(), inHW = s.inPlane(), outHW = s.outPlane();
        boolean clamp = s.clamps();
        if (dwc != null) {
            int taps = s.kh() * s.kw();
            for (int b = 0; b < images; b++) {
                for (int ch = 0; ch < c; ch++) {
                    dwc.plane(kern, x, xOff + (b * c + ch) * inHW, w, ch * taps, bias == null ? 0f : bias[ch], y,
                            yOff + (b * m + ch) * outHW, scratch);
                }
                if (clamp) {
                    kern.biasClamp(y, yOff + b * m * outHW, m, outHW, null, s.lo(), s.hi());
                }
            }
            return;
        }
        int group = s.group(), cg = c / group, mg = m / group, k = s.k();
        boolean pointwise = s.pointwise();
        float[] col = pointwise ? x : Objects.requireNonNull(scratch, "scratch");
        for (int b = 0; b < images; b++) {
            for (int gi = 0; gi < group; gi++) {
                int gx = xOff + (b * c + gi * cg) * inHW;
                int bOff = gx;
                if (!pointwise) {
                    Im2Col.im2col(x, gx, cg, s.inH(), s.inW(), s.kh(), s.kw(), s.sh(), s.sw(), s.dh(), s.dw(),
                            s.padTop(), s.padLeft(), s.outH(), s.outW(), col, 0);
                    bOff = 0;
                }
                kern.gemm(mg, outHW, k, w, gi * mg * k, k, col, bOff, outHW, y, yOff + (b * m + gi * mg) * outHW, outHW,
                        false);
            }
            if (bias != null || clamp) {
                kern.biasClamp(y, yOff + b * m * outHW, m, outHW, bias, s.lo(), s.hi());
            }
        }
    }
}
