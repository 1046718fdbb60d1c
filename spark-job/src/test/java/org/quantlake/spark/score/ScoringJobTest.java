package org.quantlake.spark.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.quantlake.core.drift.DriftSummary;
import org.quantlake.core.drift.RowDrift;
import org.quantlake.core.drift.TopK;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.onnx.OnnxModelReader;
import org.quantlake.core.ptq.QuantizedModel;
import org.quantlake.spark.Jobs;
import org.quantlake.spark.output.OutputLayout;
import org.quantlake.spark.testing.JobRunner;
import org.quantlake.spark.testing.Reference;
import org.quantlake.spark.testing.SparkTestSession;
import org.quantlake.spark.testing.TestRows;
import org.quantlake.spark.testing.TinyModel;

/**
 * Scoring end to end on the tiny model: calibrate + score in one pipeline over three data partitions, then every
 * output checked against quant-core run directly on the same rows (top-k, scores, drift figures, flipped rows), then
 * one partition re-scored to check that dynamic partition overwrite leaves the others alone (last: it changes the
 * outputs the other tests read).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScoringJobTest {
    private static final int ROWS = 240;
    private static final int TOP_K = 3;
    private static Path dir;
    private static Path model;
    private static String data;
    private static Path classNames;
    private static OutputLayout out;
    private static List<String> options;
    /** Reference outputs by id. */
    private static final Map<Long, float[]> int8 = new HashMap<>();
    private static final Map<Long, float[]> fp32 = new HashMap<>();

    @BeforeAll
    static void pipeline() throws IOException {
        dir = JobRunner.freshDir("scoring");
        model = TinyModel.file(dir);
        List<Row> rows = new ArrayList<>(TestRows.rows(TestRows.shuffled(ROWS, 3)));
        rows.add(RowFactory.create(5000L, "b", 12, TestRows.boxed(TestRows.features(5000))));  // label out of range
        data = TestRows.write(SparkTestSession.get(), rows, dir.resolve("data"));
        classNames = dir.resolve("classes.txt");
        List<String> names = new ArrayList<>();
        for (int c = 0; c < TinyModel.CLASSES; c++) names.add("class " + c);
        Files.write(classNames, names);
        out = new OutputLayout(dir.resolve("out").toString());
        options = List.of("model=" + model, "input.path=" + data, "output=" + out.root(), "input.id-column=id",
                "input.label-column=label", "input.partition-columns=[part]", "input.partitions=4",
                "scoring.top-k=" + TOP_K, "scoring.class-names=" + classNames, "rejects.max-fraction=0.02");
        JobRunner runner = new JobRunner();
        Jobs.pipeline(runner.context, JobRunner.config(options));
        assertTrue(runner.log.stream().anyMatch(l -> l.startsWith("score (int8, drift on every row vs float32): 241 rows read,"
                + " 1 rejected, 3 data partitions") && l.contains("rows/s")), runner.log.toString());

        // quant-core on its own, same rows, same batch size
        List<float[]> inputs = new ArrayList<>();
        for (long id = 0; id < ROWS; id++) inputs.add(TestRows.features(id));
        CompiledModel q = QuantizedModel.int8Engine(OnnxModelReader.read(Files.readAllBytes(Path.of(out.qdqModel())), "qdq", null));
        // the float engine the job runs (ExecutorModels.floatEngine), so the reference rows are the job's own bits
        CompiledModel f = org.quantlake.core.ptq.Fusion.inferenceEngine(OnnxModelReader.read(Files.readAllBytes(model), "float", null));
        List<float[]> qo = Reference.outputs(q, inputs, 16);
        List<float[]> fo = Reference.outputs(f, inputs, 16);
        for (int i = 0; i < ROWS; i++) {
            int8.put((long) i, qo.get(i));
            fp32.put((long) i, fo.get(i));
        }
    }

    @Test
    @Order(1)
    void predictionsCarryPassThroughColumnsAndTheInt8TopK() {
        Dataset<Row> p = SparkTestSession.get().read().parquet(out.predictions());
        StructType expected = new StructType()
                .add("id", DataTypes.LongType)
                .add("label", DataTypes.IntegerType)
                .add("top_k_classes", DataTypes.createArrayType(DataTypes.IntegerType))
                .add("top_k_scores", DataTypes.createArrayType(DataTypes.FloatType))
                .add("top_k_names", DataTypes.createArrayType(DataTypes.StringType))
                .add("part", DataTypes.StringType);  // partition columns come last when read back
        assertEquals(expected.simpleString(), p.schema().simpleString());
        List<Row> rows = p.collectAsList();
        assertEquals(ROWS, rows.size(), "every valid row once; the bad-label row is rejected");
        for (Row r : rows) {
            long id = r.getLong(0);
            assertEquals(TestRows.part(id), r.getAs("part"));
            assertEquals(TestRows.label(id), (int) r.getAs("label"));
            float[] ref = int8.get(id);
            int[] top = TopK.indices(ref, 0, TinyModel.CLASSES, TOP_K);
            List<Integer> classes = r.getList(2);
            List<Float> scores = r.getList(3);
            List<String> names = r.getList(4);
            for (int k = 0; k < TOP_K; k++) {
                assertEquals(top[k], (int) classes.get(k), "id " + id);
                assertEquals(Float.floatToIntBits(ref[top[k]]), Float.floatToIntBits(scores.get(k)), "id " + id);
                assertEquals("class " + top[k], names.get(k));
            }
            assertTrue(scores.get(0) >= scores.get(1) && scores.get(1) >= scores.get(2), "sorted: " + scores);
        }
        Row reject = SparkTestSession.get().read().parquet(out.rejected("score")).collectAsList().get(0);
        assertEquals("bad_label", reject.getAs("reason"));
        assertEquals("label 12 is outside the model's 10 classes [0, 9]", reject.getAs("detail"));
        assertEquals("5000", reject.getAs("row_id"));
        assertEquals("b", reject.getAs("part"));
    }

    /** Per partition: quant-core's DriftSummary over the same rows. */
    private static Map<String, DriftSummary> referenceDrift() {
        Map<String, DriftSummary> d = new TreeMap<>();
        for (long id = 0; id < ROWS; id++) {
            d.computeIfAbsent(TestRows.part(id), k -> new DriftSummary())
                    .add(RowDrift.of(fp32.get(id), 0, int8.get(id), 0, TinyModel.CLASSES), TestRows.label(id));
        }
        return d;
    }

    private static Map<String, Double> driftTable(String part) {
        Map<String, Double> m = new TreeMap<>();
        for (Row r : SparkTestSession.get().read().parquet(out.drift()).where("part = '" + part + "'").collectAsList()) {
            m.put(r.getAs("model") + "/" + r.getAs("metric"), r.getAs("value"));
        }
        return m;
    }

    @Test
    @Order(1)
    void driftTableIsLongFormatAndEqualsQuantCore() {
        StructType schema = SparkTestSession.get().read().parquet(out.drift()).schema();
        assertEquals("struct<metric:string,value:double,model:string,part:string>", schema.simpleString());
        Map<String, DriftSummary> ref = referenceDrift();
        for (String part : List.of("a", "b", "c")) {
            DriftSummary d = ref.get(part);
            Map<String, Double> t = driftTable(part);
            long read = part.equals("b") ? d.rows() + 1 : d.rows();
            assertEquals((double) read, t.get("input/rows"), part);
            assertEquals(part.equals("b") ? 1.0 : 0.0, t.get("input/rejected"), part);
            assertEquals((double) d.rows(), t.get("int8/rows"), part);
            assertEquals((double) d.rows(), t.get("fp32_vs_int8/rows"), part);
            assertEquals((double) d.flipped(), t.get("fp32_vs_int8/flipped"), part);
            // exact sums: bit-for-bit equal to the one-loop reference
            assertEquals(d.agreement(), t.get("fp32_vs_int8/agreement_top1"), part);
            assertEquals(d.meanAbsDiff(), t.get("fp32_vs_int8/mean_abs_diff"), part);
            assertEquals(d.meanCosine(), t.get("fp32_vs_int8/mean_cosine"), part);
            assertEquals(d.meanKl(), t.get("fp32_vs_int8/mean_kl"), part);
            assertEquals(d.accuracyFp32(), t.get("fp32/drift_accuracy_top1"), part);
            assertEquals(d.accuracyInt8(), t.get("int8/drift_accuracy_top1"), part);
            assertEquals(d.accuracyInt8(), t.get("int8/accuracy_top1"), part + ": every row is in the drift sample");
        }
        String json = readString(out.driftJson());
        assertTrue(json.contains("\"partition_columns\": [\"part\"]"), json);
        assertTrue(json.contains("\"total\""), json);
    }

    @Test
    @Order(1)
    void flippedRowsAreExactlyTheRowsWhoseTop1Differs() {
        Set<Long> expected = new TreeSet<>();
        for (long id = 0; id < ROWS; id++) {
            if (TopK.argmax(fp32.get(id), 0, TinyModel.CLASSES) != TopK.argmax(int8.get(id), 0, TinyModel.CLASSES)) expected.add(id);
        }
        assertFalse(expected.isEmpty(), "the tiny model flips some rows, or this test checks nothing");
        Set<Long> actual = new TreeSet<>();
        for (Row r : SparkTestSession.get().read().parquet(out.flipped()).collectAsList()) {
            long id = r.getAs("id");
            actual.add(id);
            assertEquals(TopK.argmax(fp32.get(id), 0, TinyModel.CLASSES), (int) r.getAs("fp32_top1"));
            assertEquals(TopK.argmax(int8.get(id), 0, TinyModel.CLASSES), (int) r.getAs("int8_top1"));
            assertEquals(TestRows.label(id), (int) r.getAs("label"));
            assertEquals(TestRows.part(id), r.getAs("part"));
        }
        assertEquals(expected, actual);
    }

    @Test
    @Order(2)
    void rescoringOnePartitionLeavesTheOthers() throws IOException {
        Map<String, List<String>> before = files(out.predictions());
        Map<String, Double> driftA = driftTable("a");
        // re-score partition b only, with another top-k and no drift: b changes, a and c must not
        List<String> again = new ArrayList<>(options);
        again.add("input.filter=\"part = 'b'\"");
        again.add("scoring.top-k=2");
        again.add("scoring.drift.enabled=false");
        Jobs.score(new JobRunner().context, JobRunner.config(again));

        Map<String, List<String>> after = files(out.predictions());
        assertEquals(before.get("part=a"), after.get("part=a"), "partition a's files untouched");
        assertEquals(before.get("part=c"), after.get("part=c"), "partition c's files untouched");
        assertTrue(!before.get("part=b").equals(after.get("part=b")), "partition b rewritten");
        Dataset<Row> p = SparkTestSession.get().read().parquet(out.predictions());
        for (Row r : p.collectAsList()) {
            int k = r.<Integer>getList(r.fieldIndex("top_k_classes")).size();
            assertEquals(r.getAs("part").equals("b") ? 2 : TOP_K, k, "top-k of " + r);
        }
        assertEquals(ROWS, p.count());
        assertEquals(driftA, driftTable("a"), "partition a's drift kept");
        assertFalse(driftTable("b").containsKey("fp32_vs_int8/rows"), "partition b's drift replaced (drift off)");
        // b had flipped rows before; this run compared nothing, so b's old flips must be gone, a's and c's kept
        Set<String> flippedParts = new TreeSet<>();
        for (Row r : SparkTestSession.get().read().parquet(out.flipped()).collectAsList()) flippedParts.add(r.getAs("part"));
        assertFalse(flippedParts.contains("b"), flippedParts.toString());
        assertTrue(readString(out.driftJson()).contains("\"part\": \"b\""));
        assertFalse(readString(out.driftJson()).contains("\"part\": \"a\""), "drift.json describes the last run");
    }

    /** Data file names (not Spark's checksums) per partition folder. */
    private static Map<String, List<String>> files(String root) throws IOException {
        Map<String, List<String>> m = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(Path.of(root))) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                try (Stream<Path> fs = Files.list(d)) {
                    m.put(d.getFileName().toString(), fs.map(f -> f.getFileName().toString())
                            .filter(n -> n.endsWith(".parquet")).sorted().toList());
                }
            }
        }
        return m;
    }

    private static String readString(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
