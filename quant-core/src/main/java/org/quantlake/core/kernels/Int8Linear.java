package org.quantlake.core.kernels;

/**
 * One int8 Gemm layer prepared by {@link Int8Kernels#prepareLinear}: weights packed once, shared by every session
 * and thread; per-call state lives in the caller's scratch.
 */
public interface Int8Linear {

    Int8LinearSpec spec();

    /** Bytes of scratch {@link #run} needs for m rows. */
    int scratchBytes(int m);

    /** Ints of scratch {@link #run} needs for m rows. */
    int scratchInts(int m);

    /** {@code y[m][n]} at {@code yOff} = requantized {@code a[m][k]} (at {@code aOff}) times the weights. */
    void run(int m, byte[] a, int aOff, byte[] y, int yOff, byte[] scratchBytes, int[] scratchInts);
}
