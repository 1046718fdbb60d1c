package org.quantlake.spark.rejects;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The {@code _rejected} outputs and the threshold check. */
public final class Rejects {
    private Rejects() {
    }

    /** The schema of a rejects table with the given partition columns. */
    public static StructType schema(List<StructField> partitions) {
        List<StructField> f = new ArrayList<>(List.of(
                DataTypes.createStructField("stage", DataTypes.StringType, false),
                DataTypes.createStructField("reason", DataTypes.StringType, false),
                DataTypes.createStructField("detail", DataTypes.StringType, true),
                DataTypes.createStructField("row_id", DataTypes.StringType, true),
                DataTypes.createStructField("source_file", DataTypes.StringType, true)));
        for (StructField p : partitions) f.add(DataTypes.createStructField(p.name(), p.dataType(), true));
        return DataTypes.createStructType(f);
    }

    /** The rejects as a DataFrame. */
    public static Dataset<Row> frame(SparkSession spark, JavaRDD<RejectRecord> rejects, List<StructField> partitions) {
        return spark.createDataFrame(rejects.map(RejectRecord::toRow), schema(partitions));
    }

    /**
     * Fails when {@code rejected / used} exceeds {@code maxFraction}, with a message giving the counts by reason and
     * where the rejected rows were written.
     *
     * @param used rows the stage tried to use (sampled rows, rejected ones included)
     */
    public static void check(String stage, long rejected, long used, Map<String, Long> byReason, double maxFraction,
                             String where) {
        if (rejected == 0) return;
        double fraction = used == 0 ? 1.0 : (double) rejected / used;
        if (fraction > maxFraction) {
            throw new RejectThresholdException(String.format(Locale.ROOT,
                    "%s rejected %,d of %,d rows (%.3f%%), more than rejects.max-fraction = %s (%.3f%%); reasons: %s;"
                            + " the rejected rows are in %s", stage, rejected, used, 100 * fraction,
                    maxFraction, 100 * maxFraction, reasons(byReason), where));
        }
    }

    /** E.g. {@code wrong_size 3, non_finite 1}. */
    public static String reasons(Map<String, Long> byReason) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(byReason).forEach((k, v) -> parts.add(k + " " + v));
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }
}
