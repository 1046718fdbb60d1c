package org.quantlake.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quantlake.spark.output.OutputLayout;
import org.quantlake.spark.testing.JobRunner;
import org.quantlake.spark.testing.SparkTestSession;
import org.quantlake.spark.testing.TestRows;
import org.quantlake.spark.testing.TinyModel;
import picocli.CommandLine;

/**
 * The command line as users run it (in-process here, in the shared local session): sub-commands, --config, --set and
 * the shortcut flags, and the exit codes of success, bad input and too many rejects.
 */
class CommandLineJobsTest {
    private static Path dir;
    private static Path model;
    private static String data;
    private static Path conf;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void data() throws IOException {
        SparkTestSession.get();  // the commands find and reuse the active session
        dir = JobRunner.freshDir("cli");
        model = TinyModel.file(dir);
        List<Row> rows = new ArrayList<>(TestRows.rows(TestRows.ids(120)));
        rows.add(RowFactory.create(999L, "a", 1, TestRows.boxed(new float[3])));
        data = TestRows.write(SparkTestSession.get(), rows, dir.resolve("data"));
        conf = dir.resolve("job.conf");
        Files.writeString(conf, """
                input { id-column = id, label-column = label, partition-columns = [part], partitions = 3 }
                calibration { method = kl, batch-size = 8 }
                rejects.max-fraction = 0.05
                """);
    }

    private int run(String... args) {
        CommandLine cl = QuantlakeMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private String[] job(String command, String output, String... more) {
        List<String> a = new ArrayList<>(List.of(command, "--config", conf.toString(), "--model", model.toString(),
                "--input", data, "--output", output));
        a.addAll(Arrays.asList(more));
        return a.toArray(new String[0]);
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : List.of("calibrate", "convert", "score", "pipeline")) {
            assertEquals(0, run(c, "--help"), err.toString());
        }
        String help = out.toString();
        for (String option : List.of("--config=FILE", "--set=KEY=VALUE", "--model=ONNX", "--input=PATH", "--output=DIR")) {
            assertTrue(help.contains(option), option + " in\n" + help);
        }
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("pipeline") && out.toString().contains("Exit codes"), out.toString());
    }

    @Test
    void pipelineThenConvertWithAnotherHistogramMethod() throws IOException {
        OutputLayout o = new OutputLayout(dir.resolve("pipeline").toString());
        assertEquals(0, run(job("pipeline", o.root(), "--set", "scoring.top-k=2")), err.toString());
        assertTrue(Files.exists(Path.of(o.qdqModel())));
        assertTrue(Files.exists(Path.of(o.histogramState())), "kl is a two-pass method");
        assertEquals(120, SparkTestSession.get().read().parquet(o.predictions()).count());
        String kl = Files.readString(Path.of(o.statsJson()));
        assertTrue(kl.contains("\"method\": \"histogram-kl\""), kl);
        byte[] klModel = Files.readAllBytes(Path.of(o.qdqModel()));

        // convert reuses the saved passes: another range search over the same histograms, no data read
        assertEquals(0, run("convert", "--config", conf.toString(), "--model", model.toString(), "--output", o.root(),
                "--set", "calibration.method=percentile", "--set", "calibration.percentile=99"), err.toString());
        String pct = Files.readString(Path.of(o.statsJson()));
        assertTrue(pct.contains("\"method\": \"histogram-percentile(99.0)\""), pct);
        assertFalse(Arrays.equals(klModel, Files.readAllBytes(Path.of(o.qdqModel()))), "a different range search");
        String provenance = Files.readString(Path.of(o.provenanceJson()));
        assertTrue(provenance.contains("\"command\": \"convert\""), provenance);

        // statistics of a two-pass run cannot be converted as mean-minmax (other observers): exit 2, nothing written
        assertEquals(2, run("convert", "--config", conf.toString(), "--model", model.toString(), "--output", o.root(),
                "--set", "calibration.method=mean-minmax"));
        assertTrue(err.toString().contains("do not fit the model and calibration options"), err.toString());
        assertTrue(Files.readString(Path.of(o.statsJson())).contains("histogram-percentile(99.0)"), "unchanged");
    }

    @Test
    void gptqStatisticsConvertWithEitherRoundingButNotTheOtherWayRound() throws IOException {
        OutputLayout g = new OutputLayout(dir.resolve("gptq").toString());
        assertEquals(0, run(job("calibrate", g.root(), "--set", "calibration.weight-rounding=gptq")), err.toString());
        var saved = org.quantlake.core.ptq.CalibrationState.fromBytes(Files.readAllBytes(Path.of(g.histogramState())));
        assertEquals(2, saved.grams().size(), "Gram matrices of the Conv and the Gemm: " + saved.grams().keySet());
        assertTrue(Files.readString(Path.of(g.provenanceJson())).contains("weight_rounding=gptq"));
        byte[] gptqModel = Files.readAllBytes(Path.of(g.qdqModel()));

        // the same statistics convert with nearest rounding (the Gram matrices are set aside), no data read
        assertEquals(0, run("convert", "--config", conf.toString(), "--model", model.toString(), "--output", g.root(),
                "--set", "calibration.weight-rounding=nearest"), err.toString());
        assertFalse(Arrays.equals(gptqModel, Files.readAllBytes(Path.of(g.qdqModel()))), "other weights");
        assertFalse(Files.readString(Path.of(g.provenanceJson())).contains("weight_rounding=gptq"));

        // statistics without Gram matrices cannot give GPTQ: exit 2, naming the problem
        OutputLayout n = new OutputLayout(dir.resolve("nearest").toString());
        assertEquals(0, run(job("calibrate", n.root())), err.toString());
        assertEquals(2, run("convert", "--config", conf.toString(), "--model", model.toString(), "--output", n.root(),
                "--set", "calibration.weight-rounding=gptq"));
        assertTrue(err.toString().contains("Gram"), err.toString());
    }

    @Test
    void schemaProblemsExitWith2AndNameTheColumn() {
        assertEquals(2, run(job("calibrate", dir.resolve("bad").toString(), "--set", "input.label-column=labels")));
        assertTrue(err.toString().startsWith("quantlake calibrate: input column 'labels' (input.label-column) does not exist"),
                err.toString());
        assertEquals(2, run(job("calibrate", dir.resolve("bad").toString(), "--set", "calibration.mthod=kl")));
        assertTrue(err.toString().contains("did you mean 'calibration.method'?"), err.toString());
        assertFalse(Files.exists(dir.resolve("bad")));
    }

    @Test
    void tooManyRejectsExitWith3() {
        assertEquals(3, run(job("calibrate", dir.resolve("strict").toString(), "--set", "rejects.max-fraction=0")));
        assertTrue(err.toString().contains("calibration rejected 1 of 121 rows") && err.toString().contains("_rejected/calibrate"),
                err.toString());
    }
}
