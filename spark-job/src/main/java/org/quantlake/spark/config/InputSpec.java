package org.quantlake.spark.config;

import java.io.Serializable;
import java.util.List;

/**
 * Where the rows come from and which columns mean what (the {@code input} block of {@code reference.conf}).
 *
 * @param partitions       Spark partitions to compute with; 0 keeps the input's own (images: see {@link ImageSpec})
 * @param idColumn         null when absent (images: always the file path)
 * @param labelColumn      null when absent (images: labels come from file names, see {@link ImageSpec})
 * @param partitionColumns data partitions, passed through and used to partition outputs and drift
 */
public record InputSpec(Format format, String path, String basePath, String filter, int partitions, String idColumn,
                        String labelColumn, List<String> partitionColumns, ParquetSpec parquet, ImageSpec images)
        implements Serializable {

    public enum Format { PARQUET, IMAGES }

    public InputSpec {
        partitionColumns = List.copyOf(partitionColumns);
    }
}
