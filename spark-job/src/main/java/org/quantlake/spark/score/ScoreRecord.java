package org.quantlake.spark.score;

import java.io.Serializable;
import org.quantlake.spark.rejects.RejectRecord;

/**
 * One output of a scoring task: a prediction row, a flipped row, a rejected row, or (last) a data partition's tally.
 * One type for all keeps scoring a single pass; the driver splits them into the outputs.
 */
public final class ScoreRecord implements Serializable {
    /** What a record holds. */
    public enum Kind { PREDICTION, FLIP, REJECT, TALLY }

    final Kind kind;
    /** Output row values (prediction, flip). */
    final Object[] values;
    final RejectRecord reject;
    final PartitionTally tally;

    private ScoreRecord(Kind kind, Object[] values, RejectRecord reject, PartitionTally tally) {
        this.kind = kind;
        this.values = values;
        this.reject = reject;
        this.tally = tally;
    }

    static ScoreRecord prediction(Object[] values) {
        return new ScoreRecord(Kind.PREDICTION, values, null, null);
    }

    static ScoreRecord flip(Object[] values) {
        return new ScoreRecord(Kind.FLIP, values, null, null);
    }

    static ScoreRecord reject(RejectRecord r) {
        return new ScoreRecord(Kind.REJECT, null, r, null);
    }

    static ScoreRecord tally(PartitionTally t) {
        return new ScoreRecord(Kind.TALLY, null, null, t);
    }
}
