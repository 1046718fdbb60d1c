package org.quantlake.spark.input;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * A validated input: the rows to compute on (only the columns the job needs, partitioned for the job), the decoder
 * that turns them into tensors, and the columns passed through to outputs.
 *
 * @param id          the id column passed through (images: {@code path}), or null
 * @param labelName   the label column's name in outputs, or null when rows have no labels
 * @param partitions  the data partition columns, in option order
 * @param description one line for logs and provenance
 */
public record InputData(Dataset<Row> frame, RowDecoder decoder, StructField id, String labelName,
                        List<StructField> partitions, String description) {

    public InputData {
        partitions = List.copyOf(partitions);
    }

    /** The partition columns' names. */
    public List<String> partitionNames() {
        return partitions.stream().map(StructField::name).toList();
    }
}
