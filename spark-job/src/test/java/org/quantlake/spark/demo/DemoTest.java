package org.quantlake.spark.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quantlake.spark.score.DriftReport;
import org.quantlake.spark.score.PartitionTally;
import org.quantlake.spark.testing.JobRunner;
import org.quantlake.spark.testing.SparkTestSession;

/**
 * The demo end to end at a small size (4 days of 150 rows, 2 clean): the model is accurate on the clean days, the
 * shifted days show drift, the report is written, and two generations give the same data, model and statistics.
 */
class DemoTest {
    private static final int DAYS = 4;
    private static final int CLEAN = 2;
    private static final int ROWS = 150;
    private static Demo.Result first;
    private static Demo.Result second;
    private static String printed;

    private static Demo.Options options(Path dir) {
        return new Demo.Options(dir, 7, DAYS, CLEAN, ROWS, 1500);
    }

    @BeforeAll
    static void runTwice() {
        StringWriter text = new StringWriter();
        first = Demo.run(new JobRunner().context, options(JobRunner.freshDir("demo")), new PrintWriter(text));
        printed = text.toString();
        System.out.println(printed);
        second = Demo.run(new JobRunner().context, options(JobRunner.freshDir("demo")), new PrintWriter(new StringWriter()));
    }

    private static double metric(PartitionTally t, String model, String metric) {
        return DriftReport.metrics(t, true).stream().filter(m -> m.model().equals(model) && m.metric().equals(metric))
                .mapToDouble(DriftReport.Metric::value).findFirst().orElse(Double.NaN);
    }

    @Test
    void accurateOnCleanDaysAndDriftingOnShiftedOnes() {
        List<PartitionTally> days = first.scores().partitions();
        assertEquals(DAYS, days.size());
        assertTrue(first.fit().trainingAccuracy() >= 0.95, first.fit().describe());
        for (int d = 0; d < CLEAN; d++) {
            double fp32 = metric(days.get(d), "fp32", "drift_accuracy_top1");
            double int8 = metric(days.get(d), "int8", "drift_accuracy_top1");
            assertTrue(fp32 >= 0.95 && int8 >= 0.93, "clean day " + d + ": fp32 " + fp32 + ", int8 " + int8);
        }
        PartitionTally last = days.get(DAYS - 1);
        double cleanAccuracy = metric(days.get(0), "fp32", "drift_accuracy_top1");
        double lastAccuracy = metric(last, "fp32", "drift_accuracy_top1");
        assertTrue(cleanAccuracy - lastAccuracy > 0.2, "the shift must cost accuracy: " + cleanAccuracy + " -> " + lastAccuracy);
        assertTrue(metric(last, "fp32_vs_int8", "flipped") > 0, "int8 and fp32 must disagree on some shifted rows");
        assertTrue(metric(last, "fp32_vs_int8", "agreement_top1") < metric(days.get(0), "fp32_vs_int8", "agreement_top1"),
                printed);
        assertTrue(metric(last, "fp32_vs_int8", "mean_kl") > metric(days.get(0), "fp32_vs_int8", "mean_kl"), printed);
    }

    @Test
    void printsTheTableAndWritesTheReport() throws Exception {
        for (int d = 0; d < DAYS; d++) {
            String date = ShapesDataset.FIRST_DAY.plusDays(d).toString();
            assertTrue(printed.lines().anyMatch(l -> l.startsWith(date)), "no table row for " + date + " in\n" + printed);
        }
        Path report = Path.of(first.out().report());
        assertTrue(printed.contains("HTML report: " + report), printed);
        String html = Files.readString(report);
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
        assertTrue(html.contains(">2024-06-04<") && html.contains("<svg"), "report lacks the last day or charts");
        assertTrue(html.contains("bn4.out") && html.contains("residual.out"), "report lacks calibration ranges");
        String lastRow = printed.lines().filter(l -> l.startsWith("2024-06-04")).findFirst().orElseThrow();
        assertTrue(lastRow.contains(String.format(Locale.ROOT, "%.2f%%", 100 * metric(first.scores().partitions().get(3),
                "fp32", "drift_accuracy_top1"))), lastRow);
    }

    @Test
    void twoGenerationsGiveTheSameDataModelAndStatistics() throws Exception {
        assertArrayEquals(Files.readAllBytes(first.model()), Files.readAllBytes(second.model()));
        assertArrayEquals(Files.readAllBytes(Path.of(first.out().statsJson())), Files.readAllBytes(Path.of(second.out().statsJson())));
        List<Row> a = rows(first.data());
        List<Row> b = rows(second.data());
        assertEquals(DAYS * ROWS, a.size());
        assertEquals(a, b);
        // Rows are what ShapesDataset draws, whatever task wrote them.
        Row r = a.get(ROWS + 5);
        ShapesDataset.Image img = options(first.data()).dataset().image(1, 5);
        assertEquals(ShapesDataset.id(1, 5), r.getLong(0));
        assertEquals(img.label(), r.getInt(1));
        List<Float> px = r.getList(2);
        for (int i = 0; i < img.pixels().length; i++) assertEquals(img.pixels()[i], px.get(i));
        // A different seed is a different dataset.
        assertNotEquals(img.label() + "" + java.util.Arrays.toString(img.pixels()),
                new ShapesDataset(8, DAYS, CLEAN, ROWS).image(1, 5).label() + ""
                        + java.util.Arrays.toString(new ShapesDataset(8, DAYS, CLEAN, ROWS).image(1, 5).pixels()));
    }

    private static List<Row> rows(Path data) {
        return new ArrayList<>(SparkTestSession.get().read().parquet(data.toString()).orderBy("id")
                .select("id", "label", "features").collectAsList());
    }
}
