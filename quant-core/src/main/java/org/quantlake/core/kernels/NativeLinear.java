package org.quantlake.core.kernels;

import java.lang.ref.Reference;
import java.util.Objects;

/** A Gemm layer packed into native memory, owned by this object and freed by a Cleaner (as {@link NativeConv}). */
final class NativeLinear implements Int8Linear {

    private final Int8LinearSpec spec;
    private final long handle;

    NativeLinear(NativeLevel level, Int8LinearSpec spec, byte[] weightsKN, int[] bias, float[] mult) {
        this.spec = spec;
        this.handle = NativeInt8.linearNew(level.code, spec.k(), spec.n(), weightsKN, spec.offsets(weightsKN, bias),
                mult, spec.yZp(), spec.lo(), spec.hi());
        NativeLibrary.CLEANER.register(this, new Free(handle));
    }

    private record Free(long handle) implements Runnable {
        @Override
        public void run() {
            NativeInt8.linearFree(handle);
        }
    }

    @Override
    public Int8LinearSpec spec() {
        return spec;
    }

    @Override
    public int scratchBytes(int m) {
        if (m < 0) {
            throw new IllegalArgumentException("negative row count " + m);
        }
        try {
            return Math.toIntExact(NativeInt8.linearScratch(handle, m));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public int scratchInts(int m) {
        return 0;
    }

    @Override
    public void run(int m, byte[] a, int aOff, byte[] y, int yOff, byte[] scratchBytes, int[] scratchInts) {
        KernelArgs.checkLinearRun(spec, m, a, aOff, y, yOff, scratchBytes, scratchBytes(m), scratchInts, 0);
        if (m == 0) {
            return;
        }
        Objects.requireNonNull(scratchBytes, "scratchBytes");
        try {
            NativeInt8.linearRun(handle, m, a, aOff, y, yOff, scratchBytes);
        } finally {
            Reference.reachabilityFence(this);
        }
    }
}
