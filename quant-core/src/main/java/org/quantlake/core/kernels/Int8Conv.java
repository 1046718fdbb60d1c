package org.quantlake.core.kernels;

/**
 * One int8 convolution layer prepared by {@link Int8Kernels#prepareConv}: weights packed once in the
 * implementation's layout, shared by every plan, session and thread of a model. {@link #run} keeps all per-call
 * state in the scratch arrays its caller owns, so concurrent calls with separate scratch are safe.
 */
public interface Int8Conv {

    Int8ConvSpec spec();

    /** Bytes of scratch {@link #run} needs for this many images. */
    int scratchBytes(int images);

    /** Ints of scratch {@link #run} needs for this many images. */
    int scratchInts(int images);

    /**
     * {@code y[images][outChannels][outH][outW]} at {@code yOff} = the requantized convolution of
     * {@code x[images][channels][inH][inW]} at {@code xOff}; every implementation gives the same bytes.
     */
    void run(byte[] x, int xOff, int images, byte[] y, int yOff, byte[] scratchBytes, int[] scratchInts);
}
