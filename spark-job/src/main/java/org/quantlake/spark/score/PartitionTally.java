package org.quantlake.spark.score;

import java.io.Serializable;
import java.util.TreeMap;
import org.quantlake.core.drift.DriftSummary;

/**
 * Counts and drift of one data partition as seen by one task; tallies of the same data partition from different
 * tasks merge by addition (DriftSummary merges exactly), so the figures do not depend on the Spark partitioning.
 */
public final class PartitionTally implements Serializable {
    /** The data partition's values, in column order. */
    final Object[] key;
    long read;
    long rejected;
    long scored;
    /** Scored rows with a label, and those the int8 model got right (top-1). */
    long labelled;
    long correctInt8;
    long flipped;
    TreeMap<String, Long> reasons = new TreeMap<>();
    /** DriftSummary bytes (empty summary when no row was compared). */
    byte[] drift;

    PartitionTally(Object[] key) {
        this.key = key;
        this.drift = new DriftSummary().toBytes();
    }

    PartitionTally merge(PartitionTally o) {
        read += o.read;
        rejected += o.rejected;
        scored += o.scored;
        labelled += o.labelled;
        correctInt8 += o.correctInt8;
        flipped += o.flipped;
        o.reasons.forEach((k, v) -> reasons.merge(k, v, Long::sum));
        drift = DriftSummary.fromBytes(drift).merge(DriftSummary.fromBytes(o.drift)).toBytes();
        return this;
    }

    public Object[] key() {
        return key;
    }

    public DriftSummary driftSummary() {
        return DriftSummary.fromBytes(drift);
    }
}
