package org.quantlake.spark.calibrate;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.quantlake.core.ptq.CalibrationState;

/**
 * What calibration tasks send back, merged by a treeAggregate: the serialized {@link CalibrationState} of the rows
 * observed, and exact counts. Merging is associative and commutative (states merge exactly; counts add), and an
 * empty partition's tally, holding an empty state, is the identity: any tree shape, order or retry gives the same
 * bytes.
 */
public final class CalibrationTally implements Serializable {
    byte[] state;
    /** Rows read. */
    long read;
    /** Rows not in the calibration sample. */
    long sampledOut;
    /** Sampled rows rejected (never observed). */
    long rejected;
    /** Forward passes run. */
    long batches;
    /** Rejected rows by reason code. */
    TreeMap<String, Long> reasons = new TreeMap<>();
    /**
     * The float kernels the observing JVMs ran (quant-core picks them per JVM). Statistics are bit-identical across
     * runs that used the same kernels; a mix means some executor lacked {@code --add-modules jdk.incubator.vector}.
     */
    TreeSet<String> kernels = new TreeSet<>();

    CalibrationTally(byte[] state) {
        this.state = state;
    }

    /** Folds {@code o} into this tally and returns this. */
    CalibrationTally merge(CalibrationTally o) {
        state = CalibrationState.fromBytes(state).merge(CalibrationState.fromBytes(o.state)).toBytes();
        read += o.read;
        sampledOut += o.sampledOut;
        rejected += o.rejected;
        batches += o.batches;
        o.reasons.forEach((k, v) -> reasons.merge(k, v, Long::sum));
        kernels.addAll(o.kernels);
        return this;
    }

    /** Rows the stage tried to use: sampled, observed or rejected. */
    long used() {
        return read - sampledOut;
    }

    /** Rows observed. */
    long observed() {
        return used() - rejected;
    }

    byte[] state() {
        return state;
    }

    Map<String, Long> reasons() {
        return reasons;
    }
}
