package org.quantlake.core.kernels;

/**
 * One float convolution layer prepared by {@link FloatKernels#prepareConv}: weights kept (or packed once) in the
 * implementation's layout, shared by every plan, session and thread of a model. {@link #run} keeps all per-call
 * state in the scratch array its caller owns, so concurrent calls with separate scratch are safe.
 */
public interface FloatConv {

    FloatConvSpec spec();

    /** Floats of scratch {@link #run} needs for this many images. */
    int scratchFloats(int images);

    /**
     * {@code y[images][outChannels][outH][outW]} at {@code yOff} = clamp(conv(x) + bias, lo, hi) of
     * {@code x[images][channels][inH][inW]} at {@code xOff}. Implementations agree within float rounding; each one
     * gives the same bits for an image wherever it sits in the batch.
     */
    void run(float[] x, int xOff, int images, float[] y, int yOff, float[] scratch);
}
