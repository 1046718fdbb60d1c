package org.quantlake.core.kernels;

/** The Java implementations' Gemm layer: {@link Int8Kernels#gemmU8S8} then {@link Int8Kernels#requantizeCols}. */
final class GemmInt8Linear implements Int8Linear {

    private final Int8Kernels kernels;
    private final Int8LinearSpec spec;
    private final byte[] weights;
    private final int[] offset;
    private final float[] mult;

    GemmInt8Linear(Int8Kernels kernels, Int8LinearSpec spec, byte[] weightsKN, int[] bias, float[] mult) {
        KernelArgs.checkLinearWeights(spec, weightsKN, bias, mult);
        this.kernels = kernels;
        this.spec = spec;
        this.weights = weightsKN.clone();
        this.offset = spec.offsets(weightsKN, bias);
        this.mult = mult.clone();
    }

    @Override
    public Int8LinearSpec spec() {
        return spec;
    }

    @Override
    public int scratchBytes(int m) {
        return 0;
    }

    @Override
    public int scratchInts(int m) {
        return Math.multiplyExact(m, spec.n());
    }

    @Override
    public void run(int m, byte[] a, int aOff, byte[] y, int yOff, byte[] scratchBytes, int[] scratchInts) {
        KernelArgs.checkLinearRun(spec, m, a, aOff, y, yOff, scratchBytes, scratchBytes(m), scratchInts,
                scratchInts(m));
        int k = spec.k(), n = spec.n();
        kernels.gemmU8S8(m, n, k, a, aOff, k, weights, 0, n, scratchInts, 0, n);
        kernels.requantizeCols(scratchInts, 0, m, n, offset, mult, spec.yZp(), spec.lo(), spec.hi(), y, yOff);
    }
}
