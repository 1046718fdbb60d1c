package org.quantlake.spark.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.quantlake.spark.io.HadoopFiles;

/**
 * Writes a job output as Parquet, partitioned by the data partition columns with dynamic partition overwrite: a run
 * replaces exactly the data partitions it read and leaves every other one as it was (re-scoring one day keeps the
 * other days). Without partition columns a run replaces the whole output.
 *
 * <p>Dynamic overwrite alone replaces only partitions that receive rows. A partition the run read but wrote no rows
 * for (no rows flipped today; every row rejected) would keep the previous run's rows; those folders are removed
 * after the write, so each output always describes the latest run of each partition.
 */
public final class PartitionedWriter {
    private PartitionedWriter() {
    }

    /**
     * @param partitionColumns  data partition columns ({@code df} has them)
     * @param runPartitions     the data partitions the run read (values in column order)
     * @param writtenPartitions those among them with rows in {@code df}
     */
    public static void write(Dataset<Row> df, String path, List<String> partitionColumns,
                             Collection<List<Object>> runPartitions, Set<List<Object>> writtenPartitions,
                             Configuration hadoop) {
        if (partitionColumns.isEmpty()) {
            df.write().mode(SaveMode.Overwrite).parquet(path);
            return;
        }
        df.write().mode(SaveMode.Overwrite)
                .option("partitionOverwriteMode", "dynamic")
                .partitionBy(partitionColumns.toArray(new String[0]))
                .parquet(path);
        for (List<Object> p : runPartitions) {
            if (!writtenPartitions.contains(p)) {
                HadoopFiles.deleteIfExists(HadoopFiles.resolve(path, directory(partitionColumns, p)), hadoop);
            }
        }
    }

    /** The folder Spark writes a partition to, e.g. {@code date=2024-01-02/source=a%2Fb}. */
    static String directory(List<String> columns, List<Object> values) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Object v = values.get(i);
            String s = v == null ? ExternalCatalogUtils.DEFAULT_PARTITION_NAME() : String.valueOf(v);
            parts.add(ExternalCatalogUtils.getPartitionPathString(columns.get(i), s));
        }
        return String.join("/", parts);
    }

    /** Partition values as a list key (arrays have identity equality). */
    public static List<Object> key(Object[] values) {
        return Arrays.asList(values.clone());
    }
}
