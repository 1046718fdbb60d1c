package org.quantlake.spark.report;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.quantlake.spark.io.HadoopFiles;
import org.quantlake.spark.output.OutputLayout;
import org.quantlake.spark.score.DriftReport;

/**
 * Gathers the report's data from the files a run left under its output root: the whole {@code drift/} table (so
 * partitions scored by earlier runs are in the report too, as they are in the table) and {@code model/stats.json}.
 */
public final class ReportReader {
    private ReportReader() {
    }

    /**
     * @param partitions the data partition columns with their input types (the drift table is read with them, so a
     *                   value such as "007" stays a string rather than being re-inferred from folder names)
     */
    public static ReportData read(SparkSession spark, OutputLayout out, List<StructField> partitions,
                                  Map<String, String> facts, List<String> valueOrder, Configuration hadoop) {
        List<String> cols = new ArrayList<>();
        for (StructField f : partitions) cols.add(f.name());
        // Selected in the table's column order: Spark puts partition columns last when it reads them from folders.
        List<org.apache.spark.sql.Column> order = new ArrayList<>();
        for (String c : cols) order.add(org.apache.spark.sql.functions.col(c));
        for (String c : List.of("metric", "value", "model")) order.add(org.apache.spark.sql.functions.col(c));
        List<Row> rows = spark.read().schema(DriftReport.schema(partitions)).parquet(out.drift())
                .select(order.toArray(new org.apache.spark.sql.Column[0])).collectAsList();
        return new ReportData("quantlake drift report", facts, cols, partitions(rows, cols.size()),
                inModelOrder(layers(out.statsJson(), hadoop), valueOrder));
    }

    /** Long-format rows (partition values..., metric, value, model) regrouped per partition, sorted by key. */
    static List<ReportData.Partition> partitions(List<Row> rows, int keyColumns) {
        Map<List<Object>, Map<String, Double>> byKey = new TreeMap<>(ReportReader::compareKeys);
        for (Row r : rows) {
            List<Object> key = new ArrayList<>();
            for (int i = 0; i < keyColumns; i++) key.add(r.get(i));
            byKey.computeIfAbsent(key, k -> new TreeMap<>())
                    .put(r.getString(keyColumns + 2) + "/" + r.getString(keyColumns), r.getDouble(keyColumns + 1));
        }
        List<ReportData.Partition> ps = new ArrayList<>();
        byKey.forEach((k, m) -> {
            List<String> text = new ArrayList<>();
            for (Object o : k) text.add(o == null ? "(null)" : String.valueOf(o));
            ps.add(new ReportData.Partition(text, m));
        });
        return ps;
    }

    /** Column by column: nulls first, then values of one type in their natural order (dates, numbers), else text. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compareKeys(List<Object> a, List<Object> b) {
        for (int i = 0; i < a.size(); i++) {
            Object x = a.get(i), y = b.get(i);
            int c;
            if (x == null || y == null) c = x == null ? (y == null ? 0 : -1) : 1;
            else if (x.getClass() == y.getClass() && x instanceof Comparable) c = ((Comparable) x).compareTo(y);
            else c = String.valueOf(x).compareTo(String.valueOf(y));
            if (c != 0) return c;
        }
        return 0;
    }

    /**
     * The layers sorted by where their tensor first appears in {@code valueOrder} (the model's values from input to
     * output), so the table reads like the network; groups not found keep stats.json's order, after the others.
     */
    static List<ReportData.LayerRange> inModelOrder(List<ReportData.LayerRange> layers, List<String> valueOrder) {
        Map<String, Integer> pos = new java.util.HashMap<>();
        for (int i = 0; i < valueOrder.size(); i++) pos.putIfAbsent(valueOrder.get(i), i);
        List<ReportData.LayerRange> sorted = new ArrayList<>(layers);
        sorted.sort(java.util.Comparator.comparingInt(l -> pos.getOrDefault(l.group(), Integer.MAX_VALUE)));
        return sorted;
    }

    /** Every value of a graph from its inputs to its outputs: inputs, then each node's inputs and outputs in order. */
    public static List<String> valueOrder(org.quantlake.core.graph.Graph g) {
        List<String> order = new ArrayList<>();
        for (org.quantlake.core.graph.ValueInfo v : g.inputs()) order.add(v.name());
        for (org.quantlake.core.graph.Node n : g.topologicalOrder()) {
            order.addAll(n.inputs());
            order.addAll(n.outputs());
        }
        return order;
    }

    /** stats.json's groups, or none when the file is absent (the int8 model was made elsewhere). */
    static List<ReportData.LayerRange> layers(String statsJson, Configuration hadoop) {
        if (!HadoopFiles.exists(statsJson, hadoop)) return List.of();
        String text;
        try {
            text = new String(HadoopFiles.read(statsJson, hadoop), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + statsJson + " for the report: " + e.getMessage(), e);
        }
        return layers(text, statsJson);
    }

    /** Parses stats.json text; {@code source} names it in errors. */
    static List<ReportData.LayerRange> layers(String json, String source) {
        try {
            Config c = ConfigFactory.parseString(json, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
            List<ReportData.LayerRange> out = new ArrayList<>();
            for (Config g : c.getConfigList("groups")) {
                out.add(new ReportData.LayerRange(g.getString("group"), g.hasPath("method") ? g.getString("method") : "",
                        num(g, "observed_min"), num(g, "observed_max"), num(g, "chosen_min"), num(g, "chosen_max"),
                        num(g, "scale"), g.hasPath("zero_point") ? g.getLong("zero_point") : 0,
                        g.hasPath("dtype") ? g.getString("dtype") : ""));
            }
            return out;
        } catch (ConfigException e) {
            throw new IllegalStateException(source + " is not the stats.json calibrate writes: " + e.getMessage(), e);
        }
    }

    /** A number, or NaN where stats.json has null (no finite value was observed). */
    private static double num(Config g, String key) {
        return g.hasPath(key) ? g.getDouble(key) : Double.NaN;
    }

    /** The facts shown at the top of the report, from what the scoring run knows. */
    public static Map<String, String> facts(String int8Model, String int8Sha, String floatModel, String input,
                                            String drift, int partitions) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("int8 model", int8Model + " (sha256 " + int8Sha.substring(0, Math.min(12, int8Sha.length())) + ")");
        if (floatModel != null) f.put("float32 model", floatModel);
        f.put("input", input);
        f.put("drift", drift);
        f.put("partitions scored by this run", Integer.toString(partitions));
        return f;
    }
}
