package org.quantlake.spark.score;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.quantlake.core.drift.DriftSummary;
import org.quantlake.spark.io.Json;

/**
 * The per-partition figures of a scoring run, in long format: one row per (data partition, metric, model). Undefined
 * figures (accuracy without labels, drift without compared rows) are left out rather than written as NaN.
 *
 * <pre>
 * model         metric               meaning
 * input         rows                 rows read
 * input         rejected             rows rejected (see _rejected/score)
 * int8          rows                 rows scored
 * int8          labelled             scored rows with a label
 * int8          accuracy_top1        top-1 accuracy over the labelled scored rows
 * fp32_vs_int8  rows                 rows also run in float32 (the drift sample)
 * fp32_vs_int8  flipped              of those, rows whose top-1 class differs
 * fp32_vs_int8  agreement_top1       1 - flipped / rows
 * fp32_vs_int8  mean_abs_diff        mean over rows of the mean |int8 - fp32| output difference
 * fp32_vs_int8  mean_cosine          mean cosine similarity of the two output vectors
 * fp32_vs_int8  mean_kl              mean KL(softmax(fp32) || softmax(int8)), nats
 * fp32_vs_int8  labelled             drift rows with a label
 * fp32          drift_accuracy_top1  top-1 accuracy of the float model over labelled drift rows
 * int8          drift_accuracy_top1  the int8 model's, over the same rows
 * </pre>
 */
public final class DriftReport {
    private DriftReport() {
    }

    /** The long-format schema: partition columns, then metric, value, model. */
    public static StructType schema(List<StructField> partitions) {
        List<StructField> f = new ArrayList<>();
        for (StructField p : partitions) f.add(DataTypes.createStructField(p.name(), p.dataType(), true));
        f.add(DataTypes.createStructField("metric", DataTypes.StringType, false));
        f.add(DataTypes.createStructField("value", DataTypes.DoubleType, false));
        f.add(DataTypes.createStructField("model", DataTypes.StringType, false));
        return DataTypes.createStructType(f);
    }

    /** One figure. */
    public record Metric(String model, String metric, double value) {
    }

    /** The defined figures of one data partition (or of the total). */
    public static List<Metric> metrics(PartitionTally t, boolean driftEnabled) {
        List<Metric> m = new ArrayList<>();
        m.add(new Metric("input", "rows", t.read));
        m.add(new Metric("input", "rejected", t.rejected));
        m.add(new Metric("int8", "rows", t.scored));
        m.add(new Metric("int8", "labelled", t.labelled));
        if (t.labelled > 0) m.add(new Metric("int8", "accuracy_top1", (double) t.correctInt8 / t.labelled));
        if (driftEnabled) {
            DriftSummary d = t.driftSummary();
            m.add(new Metric("fp32_vs_int8", "rows", d.rows()));
            m.add(new Metric("fp32_vs_int8", "flipped", d.flipped()));
            if (d.rows() > 0) {
                m.add(new Metric("fp32_vs_int8", "agreement_top1", d.agreement()));
                m.add(new Metric("fp32_vs_int8", "mean_abs_diff", d.meanAbsDiff()));
                m.add(new Metric("fp32_vs_int8", "mean_cosine", d.meanCosine()));
                m.add(new Metric("fp32_vs_int8", "mean_kl", d.meanKl()));
            }
            m.add(new Metric("fp32_vs_int8", "labelled", d.labelled()));
            if (d.labelled() > 0) {
                m.add(new Metric("fp32", "drift_accuracy_top1", d.accuracyFp32()));
                m.add(new Metric("int8", "drift_accuracy_top1", d.accuracyInt8()));
            }
        }
        m.removeIf(x -> !Double.isFinite(x.value()));
        return m;
    }

    /** The long-format rows of every partition. */
    public static List<Row> rows(List<PartitionTally> partitions, boolean driftEnabled) {
        List<Row> rows = new ArrayList<>();
        for (PartitionTally t : partitions) {
            for (Metric m : metrics(t, driftEnabled)) {
                Object[] v = new Object[t.key.length + 3];
                System.arraycopy(t.key, 0, v, 0, t.key.length);
                v[t.key.length] = m.metric();
                v[t.key.length + 1] = m.value();
                v[t.key.length + 2] = m.model();
                rows.add(RowFactory.create(v));
            }
        }
        return rows;
    }

    /** drift.json: run facts, then per partition and in total the figures grouped by model. */
    public static String json(Map<String, Object> run, List<String> partitionColumns, List<PartitionTally> partitions,
                              PartitionTally total, boolean driftEnabled) {
        List<Object> parts = new ArrayList<>();
        for (PartitionTally t : partitions) {
            Map<String, Object> key = new LinkedHashMap<>();
            for (int i = 0; i < partitionColumns.size(); i++) key.put(partitionColumns.get(i), t.key[i] == null ? null : String.valueOf(t.key[i]));
            parts.add(Json.obj("partition", key, "metrics", grouped(metrics(t, driftEnabled))));
        }
        Map<String, Object> doc = new LinkedHashMap<>(run);
        doc.put("partition_columns", partitionColumns);
        doc.put("partitions", parts);
        doc.put("total", grouped(metrics(total, driftEnabled)));
        return Json.write(doc);
    }

    private static Map<String, Object> grouped(List<Metric> metrics) {
        Map<String, Object> byModel = new LinkedHashMap<>();
        for (Metric m : metrics) {
            @SuppressWarnings("unchecked")
            Map<String, Object> g = (Map<String, Object>) byModel.computeIfAbsent(m.model(), k -> new LinkedHashMap<>());
            g.put(m.metric(), m.value());
        }
        return byModel;
    }
}
