package org.quantlake.core.observe;

/** How a range is chosen from a merged histogram (see {@link HistogramRangeSearch}). */
public enum RangeMethod {
    /** The full finite data range. */
    MINMAX,
    /** PyTorch HistogramObserver's greedy search minimising the L2 quantization error. */
    L2,
    /** TensorRT entropy calibration: the threshold minimising KL(P || Q). */
    KL,
    /** The magnitude below which a given percentage of values lie (ONNX Runtime's percentile method). */
    PERCENTILE,
    /** A scan of shrunk ranges minimising the mean squared error of the real quantizer over the histogram. */
    MSE
}
