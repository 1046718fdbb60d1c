package org.quantlake.spark.rejects;

import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.quantlake.spark.input.Rejection;

/**
 * One row that could not be used, as written to {@code _rejected/<stage>/}: which stage, why, and how to find the
 * row (its id or file path, the file it came from, its data partition).
 */
public final class RejectRecord implements Serializable {
    final String stage;
    final String reason;
    final String detail;
    final String id;
    final String source;
    final Object[] partitionValues;

    public RejectRecord(String stage, Rejection r, Object id, String source, Object[] partitionValues) {
        this.stage = stage;
        this.reason = r.reason().code();
        this.detail = r.detail();
        this.id = id == null ? null : String.valueOf(id);
        this.source = source;
        this.partitionValues = partitionValues;
    }

    public String reason() {
        return reason;
    }

    public Object[] partitionValues() {
        return partitionValues;
    }

    /** The output row: stage, reason, detail, row_id, source_file, then the partition columns. */
    public Row toRow() {
        Object[] v = new Object[5 + partitionValues.length];
        v[0] = stage;
        v[1] = reason;
        v[2] = detail;
        v[3] = id;
        v[4] = source;
        System.arraycopy(partitionValues, 0, v, 5, partitionValues.length);
        return RowFactory.create(v);
    }
}
