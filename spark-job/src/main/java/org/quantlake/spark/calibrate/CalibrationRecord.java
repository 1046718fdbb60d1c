package org.quantlake.spark.calibrate;

import java.io.Serializable;
import org.quantlake.spark.rejects.RejectRecord;

/**
 * One output of a calibration task: a rejected row (streamed as found) or, last, the task's tally. One type for both
 * keeps the stage a single pass over the data.
 */
public final class CalibrationRecord implements Serializable {
    final CalibrationTally tally;
    final RejectRecord reject;

    private CalibrationRecord(CalibrationTally tally, RejectRecord reject) {
        this.tally = tally;
        this.reject = reject;
    }

    static CalibrationRecord of(CalibrationTally t) {
        return new CalibrationRecord(t, null);
    }

    static CalibrationRecord of(RejectRecord r) {
        return new CalibrationRecord(null, r);
    }

    boolean isTally() {
        return tally != null;
    }
}
