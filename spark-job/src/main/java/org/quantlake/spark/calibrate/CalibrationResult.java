package org.quantlake.spark.calibrate;

import java.util.Map;

/**
 * Merged calibration statistics and the counts behind them.
 *
 * @param ranges     the merged pass-1 state (CalibrationState bytes)
 * @param histograms the merged pass-2 state, or null for one-pass methods
 * @param read       rows read
 * @param sampledOut rows outside the calibration sample
 * @param rejected   sampled rows rejected
 * @param observed   rows observed
 * @param reasons    rejected rows by reason code
 * @param kernels    the float kernels the observing executors ran (one kind, unless some lacked the Vector API)
 */
public record CalibrationResult(byte[] ranges, byte[] histograms, long read, long sampledOut, long rejected,
                                long observed, Map<String, Long> reasons, java.util.Set<String> kernels) {

    public CalibrationResult {
        reasons = Map.copyOf(reasons);
        kernels = java.util.Set.copyOf(kernels);
    }
}
