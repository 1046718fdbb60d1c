package org.quantlake.core.kernels;

import java.lang.ref.Reference;

/**
 * A float convolution layer packed into native memory (ql_fconv.c), owned by this object: a Cleaner frees it once
 * the object is unreachable. {@link #run} reads the caller's arrays in place (JNI critical access).
 */
final class NativeFloatConv implements FloatConv {

    private final FloatConvSpec spec;
    private final long handle;

    NativeFloatConv(NativeLevel level, FloatConvSpec spec, float[] weights, float[] bias) {
        this.spec = spec;
        this.handle = NativeFloat.convNew(level.code, spec.geometryArray(), spec.lo(), spec.hi(), weights, bias);
        NativeLibrary.CLEANER.register(this, new Free(handle));
    }

    /** Frees the packed layer; must not refer to the NativeFloatConv (that would keep it reachable forever). */
    private record Free(long handle) implements Runnable {
        @Override
        public void run() {
            NativeFloat.convFree(handle);
        }
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
        try {
            return Math.toIntExact(NativeFloat.convScratch(handle, images));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void run(float[] x, int xOff, int images, float[] y, int yOff, float[] scratch) {
        KernelArgs.checkFloatConvRun(spec, x, xOff, images, y, yOff, scratch, scratchFloats(images));
        if (images == 0) {
            return;
        }
        try {
            NativeFloat.convRun(handle, x, xOff, images, y, yOff, scratch);
        } finally {
            // The packed weights must outlive the native call, even if this object is otherwise unused after it.
            Reference.reachabilityFence(this);
        }
    }
}
