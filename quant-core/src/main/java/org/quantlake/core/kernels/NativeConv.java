package org.quantlake.core.kernels;

import java.lang.ref.Reference;
import java.util.Objects;

/**
 * A convolution layer packed into native memory (the level's tile layout), owned by this object: a Cleaner frees
 * it once the object is unreachable. {@link #run} reads the caller's arrays in place (JNI critical access).
 */
final class NativeConv implements Int8Conv {

    private final Int8ConvSpec spec;
    private final long handle;

    NativeConv(NativeLevel level, Int8ConvSpec spec, byte[] weights, int[] bias, float[] mult) {
        this.spec = spec;
        this.handle = NativeInt8.convNew(level.code, spec.toArray(), weights, spec.offsets(weights, bias), mult);
        NativeLibrary.CLEANER.register(this, new Free(handle));
    }

    /** Frees the packed layer; must not refer to the NativeConv (that would keep it reachable forever). */
    private record Free(long handle) implements Runnable {
        @Override
        public void run() {
            NativeInt8.convFree(handle);
        }
    }

    @Override
    public Int8ConvSpec spec() {
        return spec;
    }

    @Override
    public int scratchBytes(int images) {
        if (images < 0) {
            throw new IllegalArgumentException("negative image count " + images);
        }
        try {
            return Math.toIntExact(NativeInt8.convScratch(handle, images));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public int scratchInts(int images) {
        return 0;
    }

    @Override
    public void run(byte[] x, int xOff, int images, byte[] y, int yOff, byte[] scratchBytes, int[] scratchInts) {
        KernelArgs.checkConvRun(spec, x, xOff, images, y, yOff, scratchBytes, scratchBytes(images), scratchInts, 0);
        if (images == 0) {
            return;
        }
        Objects.requireNonNull(scratchBytes, "scratchBytes");
        try {
            NativeInt8.convRun(handle, x, xOff, images, y, yOff, scratchBytes);
        } finally {
            // The packed weights must outlive the native call, even if this object is otherwise unused after it.
            Reference.reachabilityFence(this);
        }
    }
}
