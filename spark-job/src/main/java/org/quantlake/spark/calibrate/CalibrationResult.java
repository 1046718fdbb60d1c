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
 */
public record CalibrationResult(byte[] ranges, byte[] histograms, long read, long sampledOut, long rejected,
                                long observed, Map<String, Long> reasons) {

    public CalibrationResult {
        reasons = Map.copyOf(reasons);
    }
}
