package org.quantlake.spark.rejects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quantlake.core.ptq.QConfig;
import org.quantlake.spark.Jobs;
import org.quantlake.spark.config.JobConfig;
import org.quantlake.spark.output.OutputLayout;
import org.quantlake.spark.testing.JobRunner;
import org.quantlake.spark.testing.Reference;
import org.quantlake.spark.testing.SparkTestSession;
import org.quantlake.spark.testing.TestRows;
import org.quantlake.spark.testing.TinyModel;

/**
 * Bad rows never reach an observer or an engine: they go to {@code _rejected/<stage>} with a reason, are counted, and
 * too many of them fail the job with a message giving the counts, the reasons and where the rows are.
 */
class RejectsTest {
    private static final int GOOD = 200;
    private static Path dir;
    private static Path model;
    private static String data;

    /** 200 good rows, then 3 of the wrong size, 2 holding NaN/Inf, 1 with no tensor, 1 with a null element. */
    @BeforeAll
    static void data() {
        dir = JobRunner.freshDir("rejects");
        model = TinyModel.file(dir);
        List<Row> rows = new ArrayList<>(TestRows.rows(TestRows.ids(GOOD)));
        rows.add(RowFactory.create(1000L, "a", 1, TestRows.boxed(new float[63])));
        rows.add(RowFactory.create(1001L, "b", 1, TestRows.boxed(new float[65])));
        rows.add(RowFactory.create(1002L, "c", 1, TestRows.boxed(new float[0])));
        float[] nan = TestRows.features(1003);
        nan[5] = Float.NaN;
        rows.add(RowFactory.create(1003L, "a", 1, TestRows.boxed(nan)));
        float[] inf = TestRows.features(1004);
        inf[63] = Float.NEGATIVE_INFINITY;
        rows.add(RowFactory.create(1004L, "b", 2, TestRows.boxed(inf)));
        rows.add(RowFactory.create(1005L, "c", 3, null));
        Float[] withNull = TestRows.boxed(TestRows.features(1006));
        withNull[7] = null;
        rows.add(RowFactory.create(1006L, "a", 4, withNull));
        data = TestRows.write(SparkTestSession.get(), rows, dir.resolve("data"));
    }

    private static JobConfig config(String out, double maxFraction) {
        return JobRunner.config("model=" + model, "input.path=" + data, "output=" + out, "input.id-column=id",
                "input.partition-columns=[part]", "input.partitions=5", "rejects.max-fraction=" + maxFraction);
    }

    private static Map<Long, String> rejected(String path) {
        Map<Long, String> byId = new TreeMap<>();
        for (Row r : SparkTestSession.get().read().parquet(path).collectAsList()) {
            assertEquals("calibrate", r.getAs("stage"));
            assertTrue(String.valueOf(r.<String>getAs("source_file")).contains("part-"), "source file: " + r);
            byId.put(Long.parseLong(r.getAs("row_id")), r.getAs("reason") + ": " + r.getAs("detail"));
        }
        return byId;
    }

    @Test
    void badRowsAreRejectedWithReasonsAndNeverObserved() throws Exception {
        Path out = dir.resolve("tolerant");
        JobRunner runner = new JobRunner();
        Jobs.calibrate(runner.context, config(out.toString(), 0.05));

        Map<Long, String> rejected = rejected(new OutputLayout(out.toString()).rejected("calibrate"));
        assertEquals(7, rejected.size(), rejected.toString());
        assertEquals("wrong_size: tensor has 63 values; the model input takes 64", rejected.get(1000L));
        assertEquals("wrong_size: tensor has 65 values; the model input takes 64", rejected.get(1001L));
        assertEquals("wrong_size: tensor has 0 values; the model input takes 64", rejected.get(1002L));
        assertEquals("non_finite: 1 NaN/Inf value, first at index 5 (NaN)", rejected.get(1003L));
        assertEquals("non_finite: 1 NaN/Inf value, first at index 63 (-Infinity)", rejected.get(1004L));
        assertEquals("missing_tensor: the tensor column is null", rejected.get(1005L));
        assertEquals("non_finite: element 7 of the tensor is null", rejected.get(1006L));

        // the statistics are exactly those of the 200 good rows
        List<float[]> good = new ArrayList<>();
        for (long id = 0; id < GOOD; id++) good.add(TestRows.features(id));
        byte[] reference = Reference.calibrate(Reference.quantizer(Files.readAllBytes(model), QConfig.defaults()), good, 16)[0];
        assertArrayEquals(reference, Files.readAllBytes(Path.of(new OutputLayout(out.toString()).rangeState())));

        String provenance = Files.readString(Path.of(new OutputLayout(out.toString()).provenanceJson()));
        assertTrue(provenance.contains("\"rows_rejected\": 7"), provenance);
        assertTrue(provenance.contains("\"non_finite\": 3"), provenance);
        assertTrue(runner.log.stream().anyMatch(l -> l.contains("207 rows read, 0 sampled out, 7 rejected")), runner.log.toString());
    }

    @Test
    void tooManyRejectsFailTheJobAfterWritingThem() {
        Path out = dir.resolve("strict");
        RejectThresholdException e = assertThrows(RejectThresholdException.class,
                () -> Jobs.calibrate(new JobRunner().context, config(out.toString(), 0.01)));
        String where = new OutputLayout(out.toString()).rejected("calibrate");
        assertEquals("calibration rejected 7 of 207 rows (3.382%), more than rejects.max-fraction = 0.01 (1.000%);"
                + " reasons: missing_tensor 1, non_finite 3, wrong_size 3; the rejected rows are in " + where, e.getMessage());
        assertEquals(7, rejected(where).size(), "written before failing");
        assertFalse(Files.exists(Path.of(new OutputLayout(out.toString()).qdqModel())), "no model after a failed calibration");
    }
}
