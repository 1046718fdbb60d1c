package org.quantlake.spark.calibrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quantlake.spark.Jobs;
import org.quantlake.spark.output.OutputLayout;
import org.quantlake.spark.testing.JobRunner;
import org.quantlake.spark.testing.SparkTestSession;
import org.quantlake.spark.testing.TestRows;
import org.quantlake.spark.testing.TinyModel;

/** Re-running calibrate into the same output rewrites identical artifacts and leaves no temporary or stale files. */
class ArtifactsIdempotenceTest {

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void rerunsRewriteIdenticalArtifacts() throws IOException {
        Path dir = JobRunner.freshDir("idempotence");
        Path model = TinyModel.file(dir);
        String data = TestRows.write(SparkTestSession.get(), TestRows.rows(TestRows.ids(100)), dir.resolve("data"));
        OutputLayout out = new OutputLayout(dir.resolve("out").toString());
        List<String> base = List.of("model=" + model, "input.path=" + data, "output=" + out.root());

        Jobs.calibrate(new JobRunner().context, JobRunner.config(base, "calibration.method=kl"));
        Path modelDir = Path.of(out.modelDir());
        assertEquals(List.of("calibration/pass1.state", "calibration/pass2.state", "model.qdq.onnx", "provenance.json",
                "stats.json"), files(modelDir));
        byte[] qdq = Files.readAllBytes(Path.of(out.qdqModel()));
        byte[] stats = Files.readAllBytes(Path.of(out.statsJson()));
        byte[] pass2 = Files.readAllBytes(Path.of(out.histogramState()));
        String provenance = Files.readString(Path.of(out.provenanceJson()));

        Jobs.calibrate(new JobRunner().context, JobRunner.config(base, "calibration.method=kl"));
        assertEquals(List.of("calibration/pass1.state", "calibration/pass2.state", "model.qdq.onnx", "provenance.json",
                "stats.json"), files(modelDir), "no temporary files left");
        assertArrayEquals(qdq, Files.readAllBytes(Path.of(out.qdqModel())));
        assertArrayEquals(stats, Files.readAllBytes(Path.of(out.statsJson())));
        assertArrayEquals(pass2, Files.readAllBytes(Path.of(out.histogramState())));
        assertTrue(provenance.contains("\"stats_digest\""), provenance);

        // a one-pass method afterwards: the old pass-2 state must not survive to mislead `convert`
        Jobs.calibrate(new JobRunner().context, JobRunner.config(base, "calibration.method=minmax"));
        assertEquals(List.of("calibration/pass1.state", "model.qdq.onnx", "provenance.json", "stats.json"), files(modelDir));
        assertNotEquals(new String(qdq, java.nio.charset.StandardCharsets.ISO_8859_1),
                new String(Files.readAllBytes(Path.of(out.qdqModel())), java.nio.charset.StandardCharsets.ISO_8859_1));
        assertFalse(Files.readString(Path.of(out.provenanceJson())).contains("pass2"));
    }
}
