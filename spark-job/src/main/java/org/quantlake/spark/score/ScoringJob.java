package org.quantlake.spark.score;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.quantlake.core.drift.DriftSummary;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.ptq.QuantizedModel;
import org.quantlake.spark.JobContext;
import org.quantlake.spark.config.ConfigException;
import org.quantlake.spark.config.ScoringSpec;
import org.quantlake.spark.input.InputData;
import org.quantlake.spark.input.RowSampler;
import org.quantlake.spark.input.SchemaException;
import org.quantlake.spark.io.HadoopFiles;
import org.quantlake.spark.io.Json;
import org.quantlake.spark.model.ModelFile;
import org.quantlake.spark.model.ModelShape;
import org.quantlake.spark.output.OutputLayout;
import org.quantlake.spark.output.PartitionedWriter;
import org.quantlake.spark.progress.StageCounters;
import org.quantlake.spark.progress.StageProgress;
import org.quantlake.spark.rejects.RejectRecord;
import org.quantlake.spark.rejects.Rejects;
import org.quantlake.spark.report.HtmlReport;
import org.quantlake.spark.report.ReportData;
import org.quantlake.spark.report.ReportReader;

/**
 * Batch scoring with the int8 model, and drift against the float32 model per data partition.
 *
 * <p>One pass computes everything ({@link ScoreTask}); its output is persisted, the per-partition tallies are
 * collected, the rejected rows are written and checked against the threshold (failing before any prediction is
 * written), then predictions, flipped rows and the drift table are written with dynamic partition overwrite, and
 * drift.json beside them.
 */
public final class ScoringJob {
    private ScoringJob() {
    }

    /** What a scoring run produced. */
    public record Result(List<PartitionTally> partitions, PartitionTally total) {
    }

    /**
     * Scores {@code input}.
     *
     * @param int8       the QDQ model
     * @param floatModel the float model, required when drift is enabled (else ignored)
     */
    public static Result run(JobContext ctx, ModelFile int8, ModelFile floatModel, InputData input, ScoringSpec spec,
                             double maxRejectFraction, OutputLayout out) {
        CompiledModel int8Engine = QuantizedModel.int8Engine(int8.graph());
        ModelShape shape = ModelShape.of(int8Engine, int8.source());
        boolean drift = spec.driftEnabled();
        if (drift) checkSameInterface(shape, floatModel);
        String[] classNames = classNames(ctx, spec, shape);

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark().sparkContext());
        Broadcast<byte[]> int8Bytes = jsc.broadcast(int8.bytes());
        Broadcast<byte[]> floatBytes = drift ? jsc.broadcast(floatModel.bytes()) : null;
        String name = drift ? "score (int8, drift on " + fraction(spec.driftFraction()) + " vs float32)" : "score (int8)";
        StageProgress p = StageProgress.begin(ctx.spark(), ctx.log(), name);
        OutputRows rows = new OutputRows(input, classNames);
        ScoreTask task = new ScoreTask(name, int8Bytes, int8.sha256(), floatBytes, drift ? floatModel.sha256() : null,
                input.decoder(), shape.sampleSize(), shape.outputSize(), spec.batchSize(), spec.topK(),
                drift ? new RowSampler(spec.driftFraction(), spec.driftSeed()) : null, rows, new StageCounters(p), ctx.hook());
        JavaRDD<ScoreRecord> records = input.frame().javaRDD().mapPartitions(task);
        records.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<PartitionTally> partitions = merged(records.filter(kind(ScoreRecord.Kind.TALLY))
                    .map((Function<ScoreRecord, PartitionTally>) r -> r.tally).collect());
            PartitionTally total = new PartitionTally(new Object[0]);
            partitions.forEach(total::merge);
            DriftSummary d = total.driftSummary();
            p.end(total.scored, String.format(Locale.ROOT, "%,d rows read, %,d rejected, %,d data partition%s; drift: %,d rows"
                    + " compared, %,d flipped", total.read, total.rejected, partitions.size(),
                    partitions.size() == 1 ? "" : "s", d.rows(), d.flipped()));

            List<String> cols = input.partitionNames();
            List<List<Object>> run = partitions.stream().map(t -> PartitionedWriter.key(t.key)).toList();
            StageProgress w = StageProgress.begin(ctx.spark(), ctx.log(), "score: write outputs");
            JavaRDD<RejectRecord> rejects = records.filter(kind(ScoreRecord.Kind.REJECT))
                    .map((Function<ScoreRecord, RejectRecord>) r -> r.reject);
            PartitionedWriter.write(Rejects.frame(ctx.spark(), rejects, input.partitions()), out.rejected("score"), cols, run,
                    withAny(partitions, t -> t.rejected), ctx.hadoop());
            Rejects.check("scoring", total.rejected, total.read, total.reasons, maxRejectFraction, out.rejected("score"));

            PartitionedWriter.write(ctx.spark().createDataFrame(values(records, ScoreRecord.Kind.PREDICTION),
                    OutputRows.predictionSchema(input, classNames != null)), out.predictions(), cols, run,
                    withAny(partitions, t -> t.scored), ctx.hadoop());
            // Written with drift off too (empty): a partition's old flips must not outlive its re-scoring.
            PartitionedWriter.write(ctx.spark().createDataFrame(values(records, ScoreRecord.Kind.FLIP),
                    OutputRows.flipSchema(input)), out.flipped(), cols, run, withAny(partitions, t -> t.flipped), ctx.hadoop());
            PartitionedWriter.write(ctx.spark().createDataFrame(DriftReport.rows(partitions, drift),
                    DriftReport.schema(input.partitions())), out.drift(), cols, run, new HashSet<>(run), ctx.hadoop());
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("spark_app_id", ctx.spark().sparkContext().applicationId());
            facts.put("input", input.description());
            facts.put("int8_model", Json.obj("source", int8.source(), "sha256", int8.sha256()));
            if (drift) facts.put("float_model", Json.obj("source", floatModel.source(), "sha256", floatModel.sha256()));
            facts.put("batch_size", spec.batchSize());
            facts.put("drift", Json.obj("enabled", drift, "fraction", spec.driftFraction(), "seed", spec.driftSeed()));
            HadoopFiles.writeAtomically(out.driftJson(), DriftReport.json(facts, cols, partitions, total, drift)
                    .getBytes(StandardCharsets.UTF_8), ctx.hadoop());
            // Last: the report reads back the whole drift table, including partitions earlier runs scored.
            String driftFacts = drift ? fraction(spec.driftFraction()) + " compared with float32"
                    + " (seed " + spec.driftSeed() + ")" : "off (scoring.drift.enabled = false)";
            ReportData report = ReportReader.read(ctx.spark(), out, input.partitions(), ReportReader.facts(int8.source(),
                    int8.sha256(), drift ? floatModel.source() : null, input.description(), driftFacts, partitions.size()),
                    ReportReader.valueOrder(drift ? floatModel.graph() : int8.graph()), ctx.hadoop());
            HadoopFiles.writeAtomically(out.report(), HtmlReport.render(report).getBytes(StandardCharsets.UTF_8), ctx.hadoop());
            w.end("predictions, drift and flipped rows of " + partitions.size() + " data partition"
                    + (partitions.size() == 1 ? "" : "s") + " under " + out.root() + "; report " + out.report());
            return new Result(partitions, total);
        } finally {
            records.unpersist(false);
            int8Bytes.destroy();
            if (floatBytes != null) floatBytes.destroy();
        }
    }

    private static Function<ScoreRecord, Boolean> kind(ScoreRecord.Kind k) {
        return r -> r.kind == k;
    }

    private static JavaRDD<Row> values(JavaRDD<ScoreRecord> records, ScoreRecord.Kind k) {
        return records.filter(kind(k)).map((Function<ScoreRecord, Row>) r -> org.apache.spark.sql.RowFactory.create(r.values));
    }

    /** Tallies of the same data partition from different tasks, merged; partitions in a stable (sorted) order. */
    static List<PartitionTally> merged(List<PartitionTally> tallies) {
        Map<String, PartitionTally> byKey = new TreeMap<>();
        for (PartitionTally t : tallies) {
            byKey.merge(Arrays.deepToString(t.key), t, (a, b) -> new PartitionTally(a.key).merge(a).merge(b));
        }
        return new ArrayList<>(byKey.values());
    }

    private static Set<List<Object>> withAny(List<PartitionTally> partitions, java.util.function.ToLongFunction<PartitionTally> count) {
        Set<List<Object>> s = new HashSet<>();
        for (PartitionTally t : partitions) if (count.applyAsLong(t) > 0) s.add(PartitionedWriter.key(t.key));
        return s;
    }

    /** Drift compares outputs class by class: the two models must take and give the same shapes. */
    private static void checkSameInterface(ModelShape int8, ModelFile floatModel) {
        if (floatModel == null) {
            throw new ConfigException("scoring.drift.enabled needs the float32 model: set `model`, or set"
                    + " scoring.drift.enabled = false");
        }
        ModelShape f = ModelShape.of(new CompiledModel(floatModel.graph()), floatModel.source());
        if (!Arrays.equals(f.sampleShape(), int8.sampleShape()) || f.outputSize() != int8.outputSize()) {
            throw new SchemaException("the float model " + floatModel.source() + " (input " + f.describeInput() + ", "
                    + f.outputSize() + " outputs) and the int8 model (input " + int8.describeInput() + ", "
                    + int8.outputSize() + " outputs) differ: drift compares the same model before and after quantization");
        }
    }

    private static String[] classNames(JobContext ctx, ScoringSpec spec, ModelShape shape) {
        if (spec.classNames() == null) return null;
        try {
            List<String> lines = HadoopFiles.lines(spec.classNames(), ctx.hadoop());
            if (lines.size() < shape.outputSize()) {
                throw new ConfigException("scoring.class-names " + spec.classNames() + " names " + lines.size()
                        + " classes; the model has " + shape.outputSize());
            }
            return lines.subList(0, shape.outputSize()).stream().map(String::strip).toArray(String[]::new);
        } catch (IOException e) {
            throw new ConfigException("cannot read scoring.class-names " + spec.classNames() + ": " + e.getMessage(), e);
        }
    }

    private static String fraction(double f) {
        return f >= 1 ? "every row" : String.format(Locale.ROOT, "%.4g of rows", f);
    }
}
