package org.quantlake.spark.calibrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quantlake.core.ptq.CalibrationState;
import org.quantlake.core.ptq.PostTrainingQuantizer;
import org.quantlake.spark.Jobs;
import org.quantlake.spark.config.JobConfig;
import org.quantlake.spark.input.RowSampler;
import org.quantlake.spark.output.OutputLayout;
import org.quantlake.spark.testing.JobRunner;
import org.quantlake.spark.testing.Reference;
import org.quantlake.spark.testing.SparkTestSession;
import org.quantlake.spark.testing.TestRows;
import org.quantlake.spark.testing.TinyModel;

/**
 * The promise of distributed calibration: the merged statistics and the converted model are byte-identical for 1, 7
 * and 64 partitions and for any row order, and equal to what quant-core computes in one loop over the same rows at
 * the same batch size. Covers a one-pass method, a two-pass histogram method, GPTQ weight rounding (whose pass 2
 * gathers input Gram matrices, alone or beside histograms), and hash sampling.
 */
class CalibrationDeterminismTest {
    private static final int ROWS = 300;
    /** Not a divisor of the partition sizes: most partitions end with a short, padded batch. */
    private static final int BATCH = 16;
    private static Path dir;
    private static Path model;
    private static String ordered;
    private static String shuffled;

    @BeforeAll
    static void data() {
        dir = JobRunner.freshDir("determinism");
        model = TinyModel.file(dir);
        ordered = TestRows.write(SparkTestSession.get(), TestRows.rows(TestRows.ids(ROWS)), dir.resolve("ordered"));
        shuffled = TestRows.write(SparkTestSession.get(), TestRows.rows(TestRows.shuffled(ROWS, 99)), dir.resolve("shuffled"));
    }

    /** {@code method} is a calibration method, optionally followed by "/" and a weight rounding ("kl/gptq"). */
    private static List<String> options(String method, String input, int partitions, String out) {
        String[] m = method.split("/");
        return List.of("model=" + model, "input.path=" + input, "output=" + out, "input.partitions=" + partitions,
                "calibration.method=" + m[0], "calibration.weight-rounding=" + (m.length > 1 ? m[1] : "nearest"),
                "calibration.batch-size=" + BATCH,
                // the default description names the input path, which differs between the two datasets
                "calibration.dataset-description=\"determinism test rows\"");
    }

    private record Run(byte[] ranges, byte[] histograms, byte[] model) {
    }

    private static Run calibrate(List<String> options) throws IOException {
        JobConfig cfg = JobRunner.config(options);
        Jobs.calibrate(new JobRunner().context, cfg);
        OutputLayout out = new OutputLayout(cfg.output());
        Path hist = Path.of(out.histogramState());
        return new Run(Files.readAllBytes(Path.of(out.rangeState())), Files.exists(hist) ? Files.readAllBytes(hist) : null,
                Files.readAllBytes(Path.of(out.qdqModel())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mean-minmax", "kl", "minmax/gptq", "kl/gptq"})
    void statisticsAndModelAreIdenticalForAnyPartitioningAndOrder(String method) throws IOException {
        String tag = method.replace('/', '-');
        Run one = calibrate(options(method, ordered, 1, dir.resolve(tag + "-1").toString()));
        // quant-core alone, one loop, same batch size
        JobConfig cfg = JobRunner.config(options(method, ordered, 1, "unused"));
        PostTrainingQuantizer q = Reference.quantizer(Files.readAllBytes(model), cfg.calibration().qconfig());
        List<float[]> rows = new ArrayList<>();
        for (long id = 0; id < ROWS; id++) rows.add(TestRows.features(id));
        byte[][] reference = Reference.calibrate(q, rows, BATCH);
        assertArrayEquals(reference[0], one.ranges, "pass 1 vs quant-core in one loop");
        if (q.plan().needsSecondPass()) {
            assertArrayEquals(reference[1], one.histograms, "pass 2 vs quant-core in one loop");
            assertEquals(method.endsWith("/gptq"), !CalibrationState.fromBytes(one.histograms).grams().isEmpty(), "Gram matrices in pass 2");
        } else {
            assertNull(one.histograms, "one-pass methods write no pass-2 state");
        }
        assertEquals(ROWS, CalibrationState.fromBytes(one.ranges).samples());

        for (int partitions : new int[] {7, 64}) {
            Run r = calibrate(options(method, ordered, partitions, dir.resolve(tag + "-" + partitions).toString()));
            assertArrayEquals(one.ranges, r.ranges, partitions + " partitions: pass 1");
            assertArrayEquals(one.histograms, r.histograms, partitions + " partitions: pass 2");
            assertArrayEquals(one.model, r.model, partitions + " partitions: model");
        }
        Run s = calibrate(options(method, shuffled, 7, dir.resolve(tag + "-shuffled").toString()));
        assertArrayEquals(one.ranges, s.ranges, "shuffled rows: pass 1");
        assertArrayEquals(one.histograms, s.histograms, "shuffled rows: pass 2");
        assertArrayEquals(one.model, s.model, "shuffled rows: model");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 64})
    void hashSamplingPicksTheSameRowsForAnyPartitioning(int partitions) throws IOException {
        List<String> o = new ArrayList<>(options("minmax", partitions == 7 ? shuffled : ordered, partitions,
                dir.resolve("sample-" + partitions).toString()));
        o.add("calibration.fraction=0.3");
        o.add("calibration.seed=5");
        o.add("input.id-column=id");
        Run r = calibrate(o);
        // the rows the sampler keeps, by id, observed by quant-core in id order
        RowSampler sampler = new RowSampler(0.3, 5);
        List<float[]> kept = new ArrayList<>();
        for (long id = 0; id < ROWS; id++) {
            if (sampler.keep(sampler.hash(Long.toString(id)))) kept.add(TestRows.features(id));
        }
        assertTrue(kept.size() > 60 && kept.size() < 120, "about 30% of " + ROWS + ": " + kept.size());
        JobConfig cfg = JobRunner.config(o);
        PostTrainingQuantizer q = Reference.quantizer(Files.readAllBytes(model), cfg.calibration().qconfig());
        assertArrayEquals(Reference.calibrate(q, kept, BATCH)[0], r.ranges);
        assertEquals(kept.size(), CalibrationState.fromBytes(r.ranges).samples());
        assertFalse(kept.size() == ROWS);
    }
}
