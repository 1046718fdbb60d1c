package org.quantlake.core.kernels;

/** Picks the kernels (placeholder until the kernels branch lands). */
public final class KernelProvider {
    private KernelProvider() {}

    public static FloatKernels floatKernels() {
        return new DefaultFloatKernels();
    }

    public static Int8Kernels int8Kernels() {
        return new DefaultInt8Kernels();
    }
}
