package org.quantlake.core.kernels;

/**
 * The Java implementations' convolution layer: per image and group, im2col (padding = the input zero point; none
 * for pointwise layers), {@link Int8Kernels#gemmS8U8} and {@link Int8Kernels#requantizeRows} with
 * {@link Int8ConvSpec#offsets}; depthwise layers run {@link Int8Depthwise}, the direct reference loop.
 */
final class GemmInt8Conv implements Int8Conv {

    private final Int8Kernels kernels;
    private final Int8ConvSpec spec;
    private final byte[] weights;
    private final int[] bias;
    private final float[] mult;
    /** Per group: offsets and multipliers of its output channels (sliced once, not per call). */
    private final int[][] groupOffset;
    private final float[][] groupMult;

    GemmInt8Conv(Int8Kernels kernels, Int8ConvSpec spec, byte[] weights, int[] bias, float[] mult) {
        KernelArgs.checkConvWeights(spec, weights, bias, mult);
        this.kernels = kernels;
        this.spec = spec;
        this.weights = weights.clone();
        this.bias = bias.clone();
        this.mult = mult.clone();
        int[] offset = spec.offsets(weights, bias);
        int mg = spec.outChannels() / spec.group();
        groupOffset = new int[spec.group()][];
        groupMult = new float[spec.group()][];
        for (int g = 0; g < spec.group(); g++) {
            groupOffset[g] = java.util.Arrays.copyOfRange(offset, g * mg, g * mg + mg);
            groupMult[g] = java.util.Arrays.copyOfRange(mult, g * mg, g * mg + mg);
        }
    }

    @Override
    public Int8ConvSpec spec() {
        return spec;
    }

    @Override
    public int scratchBytes(int images) {
        return spec.depthwise() || spec.pointwise() ? 0 : Math.multiplyExact(spec.k(), spec.outPlane());
    }

    @Override
    public int scratchInts(int images) {
        return spec.depthwise() ? 0 : Math.multiplyExact(spec.outChannels() / spec.group(), spec.outPlane());
    }

    @Override
    public void run(byte[] x, int xOff, int images, byte[] y, int yOff, byte[] scratchBytes, int[] scratchInts) {
        KernelArgs.checkConvRun(spec, x, xOff, images, y, yOff, scratchBytes, scratchBytes(images), scratchInts,
                scratchInts(images));
        Int8ConvSpec s = spec;
        int inHW = s.inPlane(), outHW = s.outPlane(), c = s.channels(), m = s.outChannels();
        if (s.depthwise()) {
            int taps = s.kh() * s.kw();
            for (int b = 0; b < images; b++) {
                for (int ch = 0; ch < c; ch++) {
                    Int8Depthwise.plane(s, x, xOff + (b * c + ch) * inHW, weights, ch * taps, bias[ch], mult[ch], y,
                            yOff + (b * m + ch) * outHW);
                }
            }
            return;
        }
        int cg = c / s.group(), mg = m / s.group(), k = s.k();
        boolean pointwise = s.pointwise();
        for (int b = 0; b < images; b++) {
            for (int g = 0; g < s.group(); g++) {
                int xg = xOff + (b * c + g * cg) * inHW;
                byte[] col = x;
                int colOff = xg;
                if (!pointwise) {
                    Im2Col.im2col(x, xg, cg, s.inH(), s.inW(), s.kh(), s.kw(), s.sh(), s.sw(), s.dh(), s.dw(),
                            s.padTop(), s.padLeft(), s.outH(), s.outW(), scratchBytes, 0, (byte) s.xZp());
                    col = scratchBytes;
                    colOff = 0;
                }
                kernels.gemmS8U8(mg, outHW, k, weights, g * mg * k, k, col, colOff, outHW, scratchInts, 0, outHW);
                kernels.requantizeRows(scratchInts, 0, mg, outHW, groupOffset[g], groupMult[g], s.yZp(), s.lo(),
                        s.hi(), y, yOff + (b * m + g * mg) * outHW);
            }
        }
    }
}
