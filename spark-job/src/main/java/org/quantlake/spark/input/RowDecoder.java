package org.quantlake.spark.input;

import java.io.Serializable;
import org.apache.spark.sql.Row;

/**
 * Turns rows of an input's DataFrame into model inputs and pass-through values. Built on the driver with the
 * column positions resolved, shipped to executors in task closures; one instance per task after deserialization,
 * so implementations may keep per-task scratch state in transient fields.
 */
public interface RowDecoder extends Serializable {

    /** The 64-bit key hash sampling decides on (see {@link RowSampler}); must not decode an image. */
    long keyHash(Row row, RowSampler sampler);

    /** The model input of the row, validated (size, finiteness), or why there is none. */
    Decoded decode(Row row);

    /** The row's id as passed through to outputs (string or integral), or null. */
    Object id(Row row);

    /** The row's label (class index), or null when it has none. */
    Long label(Row row);

    /** The row's data partition values, in the order of {@code input.partition-columns}. */
    Object[] partitionValues(Row row);

    /** Where the row came from (file path), for the rejects output. */
    String source(Row row);
}
