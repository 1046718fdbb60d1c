package org.quantlake.spark.config;

import java.io.Serializable;
import java.util.List;

/**
 * How a Parquet row holds its tensor ({@code input.parquet}).
 *
 * @param shape the declared per-row shape without the batch dim; empty means "the model's"
 */
public record ParquetSpec(String tensorColumn, Encoding encoding, DType dtype, boolean bigEndian, List<Integer> shape)
        implements Serializable {

    /** array: {@code array<float>} or {@code array<double>}; binary: raw bytes. */
    public enum Encoding { ARRAY, BINARY }

    /** Element type of a binary tensor. */
    public enum DType {
        FLOAT32(4), FLOAT64(8), UINT8(1);

        private final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per element. */
        public int bytes() {
            return bytes;
        }
    }

    public ParquetSpec {
        shape = List.copyOf(shape);
    }
}
