package org.quantlake.spark.report;

import java.util.List;
import java.util.Map;

/**
 * What the HTML report shows, independent of where it came from: the drift figures of every data partition (the
 * long-format table, regrouped by partition) and the calibration ranges of every quantized tensor group.
 *
 * @param facts            labelled facts about the run, shown in order (model, input, ...)
 * @param partitionColumns the data partition columns, e.g. [date]; empty for an unpartitioned input
 * @param partitions       one entry per data partition, in display order
 * @param layers           per quantized tensor group, in the model's order; empty when the statistics are unknown
 */
public record ReportData(String title, Map<String, String> facts, List<String> partitionColumns,
                         List<Partition> partitions, List<LayerRange> layers) {

    /**
     * One data partition's figures.
     *
     * @param key     its partition column values as text, in {@code partitionColumns} order
     * @param metrics figures by "model/metric" as in the drift table, e.g. "fp32_vs_int8/agreement_top1"
     */
    public record Partition(List<String> key, Map<String, Double> metrics) {
        /** The figure, or NaN when the run did not define it (e.g. accuracy without labels). */
        public double get(String model, String metric) {
            Double v = metrics.get(model + "/" + metric);
            return v == null ? Double.NaN : v;
        }

        /** The key as shown: "2024-06-01", or "date=2024-06-01, source=web" style for several columns. */
        public String label(List<String> columns) {
            if (key.size() == 1) return key.get(0);
            if (key.isEmpty()) return "(all rows)";
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < key.size(); i++) {
                if (i > 0) sb.append(", ");
                sb.append(columns.get(i)).append('=').append(key.get(i));
            }
            return sb.toString();
        }
    }

    /** A quantized tensor group's range: what calibration saw and what the quantizer chose (stats.json). */
    public record LayerRange(String group, String method, double observedMin, double observedMax, double chosenMin,
                             double chosenMax, double scale, long zeroPoint, String dtype) {
    }
}
