package org.quantlake.spark.progress;

import java.io.Serializable;
import org.apache.spark.util.LongAccumulator;

/** A stage's named accumulators as a task closure carries them. */
public final class StageCounters implements Serializable {
    public final LongAccumulator rows;
    public final LongAccumulator rejected;
    public final LongAccumulator batches;

    public StageCounters(StageProgress p) {
        this.rows = p.rows;
        this.rejected = p.rejected;
        this.batches = p.batches;
    }
}
