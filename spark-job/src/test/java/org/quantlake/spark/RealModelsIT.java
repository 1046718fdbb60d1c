package org.quantlake.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.Test;
import org.quantlake.core.drift.DriftSummary;
import org.quantlake.core.drift.RowDrift;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.image.ImagePreprocessor;
import org.quantlake.core.image.PreprocessSpec;
import org.quantlake.core.onnx.OnnxModelReader;
import org.quantlake.core.ptq.QuantizedModel;
import org.quantlake.core.testutil.Assets;
import org.quantlake.core.testutil.Mnist;
import org.quantlake.spark.cli.CliForTests;
import org.quantlake.spark.config.JobConfig;
import org.quantlake.spark.config.JobConfigLoader;
import org.quantlake.spark.input.RowSampler;
import org.quantlake.spark.output.OutputLayout;
import org.quantlake.spark.testing.Reference;
import org.quantlake.spark.testing.SparkTestSession;
import org.quantlake.spark.testing.TestRows;

/**
 * The pipeline command on the shared real assets, with the example configs from conf/: MNIST (all 10,000 test images
 * as Parquet written here from the IDX files) and a sub-sample of the ImageNet sample images through binaryFile.
 * Calibration statistics and every drift figure must equal what quant-core computes on its own for the same rows.
 * Skipped, with a message, when ../shared/assets is absent.
 */
class RealModelsIT {
    private static final Path CONF = Path.of("..", "conf");

    private static Path dir(String name) throws IOException {
        return Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty("ql.it.dir"))), name + "-");
    }

    @Test
    void mnistParquetPipelineMatchesQuantCore() throws IOException {
        Path model = Assets.mnistModel();
        Mnist mnist = Mnist.testSet();
        Path dir = dir("mnist");
        int n = mnist.images.length;
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(RowFactory.create((long) i, part(i), mnist.labels[i], TestRows.boxed(mnist.images[i])));
        }
        String data = dir.resolve("parquet").toString();
        SparkTestSession.get().createDataFrame(rows, TestRows.SCHEMA).repartition(4).write().mode(SaveMode.Overwrite).parquet(data);
        OutputLayout out = new OutputLayout(dir.resolve("out").toString());

        String[] args = {"pipeline", "--config", CONF.resolve("mnist-parquet.conf").toString(), "--model", model.toString(),
            "--input", data, "--output", out.root()};
        assertEquals(0, CliForTests.run(args), "pipeline failed; see the test output");
        JobConfig cfg = JobConfigLoader.load(CONF.resolve("mnist-parquet.conf"), List.of());
        int batch = cfg.calibration().batchSize();

        // calibration: the rows the sampler keeps by id, observed by quant-core in one loop
        RowSampler sampler = new RowSampler(cfg.calibration().fraction(), cfg.calibration().seed());
        List<float[]> kept = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (sampler.keep(sampler.hash(Integer.toString(i)))) kept.add(mnist.images[i]);
        }
        byte[] modelBytes = Files.readAllBytes(model);
        byte[] pass1 = Reference.calibrate(Reference.quantizer(modelBytes, cfg.calibration().qconfig()), kept, batch)[0];
        assertArrayEquals(pass1, Files.readAllBytes(Path.of(out.rangeState())), "calibration statistics");

        // drift: both engines over every row, per data partition
        List<float[]> inputs = List.of(mnist.images);
        Map<String, DriftSummary> ref = drift(modelBytes, out, inputs, cfg.scoring().batchSize(), i -> part(i),
                i -> mnist.labels[i]);
        assertDriftEquals(ref, out, "part");
        report("MNIST", kept.size(), ref);
    }

    private static String part(int i) {
        return "p" + (i / 2500);
    }

    @Test
    void imagenetImagesPipelineMatchesQuantCore() throws IOException {
        Path model = Assets.squeezenet();
        Path samples = Assets.require("imagenet/sample-images-1000");
        Path synsets = Assets.require("imagenet/labels/synset_words.txt");
        Path dir = dir("imagenet");
        // every 10th image, linked (never copied) into two partition folders, plus one corrupt JPEG
        Path images = Files.createDirectories(dir.resolve("images"));
        List<Path> files;
        try (Stream<Path> s = Files.list(samples)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".JPEG")).sorted().toList();
        }
        Map<String, Path> linked = new TreeMap<>();
        for (int i = 0; i < files.size(); i += 10) {
            String rel = (i % 20 == 0 ? "source=a/" : "source=b/") + files.get(i).getFileName();
            Path link = images.resolve(rel);
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, files.get(i).toAbsolutePath());
            linked.put(rel, files.get(i));
        }
        Files.write(images.resolve("source=b").resolve("n01440764_corrupt.JPEG"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2});
        OutputLayout out = new OutputLayout(dir.resolve("out").toString());

        String[] args = {"pipeline", "--config", CONF.resolve("imagenet-images.conf").toString(), "--model", model.toString(),
            "--input", images.toString(), "--output", out.root(), "--set", "input.partition-columns=[source]",
            "--set", "input.images.class-index=" + synsets, "--set", "scoring.class-names=" + synsets,
            "--set", "input.images.per-partition=16", "--set", "rejects.max-fraction=0.1"};
        assertEquals(0, CliForTests.run(args), "pipeline failed; see the test output");
        JobConfig cfg = JobConfigLoader.load(CONF.resolve("imagenet-images.conf"), List.of());

        ImagePreprocessor pre = new ImagePreprocessor(PreprocessSpec.imagenetCaffeBgr());
        Map<String, Integer> index = new TreeMap<>();
        List<String> lines = Files.readAllLines(synsets);
        for (int c = 0; c < lines.size(); c++) index.put(lines.get(c).split(" ", 2)[0], c);
        List<String> rels = new ArrayList<>(linked.keySet());
        List<float[]> inputs = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        RowSampler sampler = new RowSampler(cfg.calibration().fraction(), cfg.calibration().seed());
        List<float[]> kept = new ArrayList<>();
        for (String rel : rels) {
            float[] t = pre.toTensor(Files.readAllBytes(linked.get(rel)));
            inputs.add(t);
            String name = linked.get(rel).getFileName().toString();
            labels.add(index.get(name.substring(0, name.indexOf('_'))));
            if (sampler.keep(sampler.hash(rel))) kept.add(t);
        }
        byte[] modelBytes = Files.readAllBytes(model);
        byte[][] states = Reference.calibrate(Reference.quantizer(modelBytes, cfg.calibration().qconfig()), kept, cfg.calibration().batchSize());
        assertArrayEquals(states[0], Files.readAllBytes(Path.of(out.rangeState())), "pass-1 statistics");
        assertArrayEquals(states[1], Files.readAllBytes(Path.of(out.histogramState())), "pass-2 statistics");

        Map<String, DriftSummary> ref = drift(modelBytes, out, inputs, cfg.scoring().batchSize(),
                i -> rels.get(i).substring("source=".length(), "source=".length() + 1), labels::get);
        assertDriftEquals(ref, out, "source");
        List<Row> rejects = SparkTestSession.get().read().parquet(out.rejected("score")).collectAsList();
        assertEquals(1, rejects.size(), rejects.toString());
        assertEquals("undecodable_image", rejects.get(0).getAs("reason"));
        report("ImageNet (" + rels.size() + " of " + files.size() + " images)", kept.size(), ref);
    }

    /** quant-core's per-partition drift of the written int8 model against the float model, at the job's batch size. */
    private static Map<String, DriftSummary> drift(byte[] floatModel, OutputLayout out, List<float[]> inputs, int batch,
                                                   java.util.function.IntFunction<String> partition,
                                                   java.util.function.IntUnaryOperator label) throws IOException {
        // the float engine the job runs (ExecutorModels.floatEngine)
        CompiledModel f = org.quantlake.core.ptq.Fusion.inferenceEngine(OnnxModelReader.read(floatModel, "float", null));
        CompiledModel q = QuantizedModel.int8Engine(OnnxModelReader.read(Files.readAllBytes(Path.of(out.qdqModel())), "qdq", null));
        List<float[]> fo = Reference.outputs(f, inputs, batch);
        List<float[]> qo = Reference.outputs(q, inputs, batch);
        Map<String, DriftSummary> d = new TreeMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            d.computeIfAbsent(partition.apply(i), k -> new DriftSummary())
                    .add(RowDrift.of(fo.get(i), 0, qo.get(i), 0, fo.get(i).length), label.applyAsInt(i));
        }
        return d;
    }

    private static void assertDriftEquals(Map<String, DriftSummary> ref, OutputLayout out, String column) {
        Map<String, Map<String, Double>> table = new TreeMap<>();
        for (Row r : SparkTestSession.get().read().parquet(out.drift()).collectAsList()) {
            table.computeIfAbsent(String.valueOf(r.<Object>getAs(column)), k -> new TreeMap<>())
                    .put(r.getAs("model") + "/" + r.getAs("metric"), r.getAs("value"));
        }
        assertEquals(ref.keySet(), table.keySet());
        ref.forEach((p, d) -> {
            Map<String, Double> t = table.get(p);
            assertEquals((double) d.rows(), t.get("fp32_vs_int8/rows"), p);
            assertEquals((double) d.flipped(), t.get("fp32_vs_int8/flipped"), p);
            assertEquals(d.agreement(), t.get("fp32_vs_int8/agreement_top1"), p);
            assertEquals(d.accuracyFp32(), t.get("fp32/drift_accuracy_top1"), p);
            assertEquals(d.accuracyInt8(), t.get("int8/drift_accuracy_top1"), p);
            assertEquals(d.meanAbsDiff(), t.get("fp32_vs_int8/mean_abs_diff"), p);
            assertEquals(d.meanCosine(), t.get("fp32_vs_int8/mean_cosine"), p);
            assertEquals(d.meanKl(), t.get("fp32_vs_int8/mean_kl"), p);
        });
        long flipped = SparkTestSession.get().read().parquet(out.flipped()).count();
        assertEquals(ref.values().stream().mapToLong(DriftSummary::flipped).sum(), flipped, "flipped rows");
    }

    private static void report(String what, int calibrated, Map<String, DriftSummary> ref) {
        DriftSummary all = new DriftSummary();
        ref.values().forEach(all::merge);
        System.out.printf(Locale.ROOT, "[RealModelsIT] %s: calibrated on %d rows; %d rows scored; top-1 agreement %.4f"
                        + " (%d flipped); accuracy fp32 %.4f, int8 %.4f; mean KL %.3g, mean cosine %.6f%n", what, calibrated,
                all.rows(), all.agreement(), all.flipped(), all.accuracyFp32(), all.accuracyInt8(), all.meanKl(), all.meanCosine());
        assertTrue(all.agreement() > 0.9, what + ": agreement " + all.agreement());
    }
}
