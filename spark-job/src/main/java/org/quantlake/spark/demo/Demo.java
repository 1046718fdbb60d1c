package org.quantlake.spark.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.quantlake.core.onnx.OnnxModelWriter;
import org.quantlake.spark.JobContext;
import org.quantlake.spark.Jobs;
import org.quantlake.spark.config.JobConfig;
import org.quantlake.spark.config.JobConfigLoader;
import org.quantlake.spark.output.OutputLayout;
import org.quantlake.spark.score.DriftReport;
import org.quantlake.spark.score.PartitionTally;
import org.quantlake.spark.score.ScoringJob;

/**
 * The built-in demo: makes a labelled dataset and a float32 model, then runs the ordinary {@code pipeline} job on
 * them, through the same config loading and job code a user's run takes.
 *
 * <pre>
 * &lt;dir&gt;/data/date=YYYY-MM-DD/   Parquet: id bigint, label int, features array&lt;float&gt; (28x28), one folder per day
 * &lt;dir&gt;/shapes-cnn.onnx        the float32 model (Conv+BN+ReLU, a residual Add, a ridge-fitted Gemm head)
 * &lt;dir&gt;/classes.txt            class names, line i = class i
 * &lt;dir&gt;/demo.conf              the job options; `pipeline --config &lt;dir&gt;/demo.conf` re-runs the job
 * &lt;dir&gt;/out/                   the pipeline's outputs, report.html among them
 * </pre>
 */
public final class Demo {
    private Demo() {
    }

    /** What to make. */
    public record Options(Path dir, long seed, int days, int cleanDays, int rowsPerDay, int trainingRows) {
        public ShapesDataset dataset() {
            return new ShapesDataset(seed, days, cleanDays, rowsPerDay);
        }
    }

    /** Where everything went, and the pipeline's result. */
    public record Result(Path model, Path data, Path config, OutputLayout out, DemoModel.Fit fit, ScoringJob.Result scores) {
    }

    /** Makes the data and model, runs the pipeline, and prints the accuracy table and the report's path to {@code out}. */
    public static Result run(JobContext ctx, Options o, PrintWriter out) {
        Path dir = o.dir().toAbsolutePath().normalize();
        ShapesDataset data = o.dataset();
        long t0 = System.nanoTime();
        Path dataDir = dir.resolve("data");
        writeDataset(ctx.spark(), data, dataDir);
        ctx.log().info(String.format(Locale.ROOT, "demo: %,d images (%d days x %,d) -> %s in %.1f s", (long) data.days()
                * data.rowsPerDay(), data.days(), data.rowsPerDay(), dataDir, (System.nanoTime() - t0) / 1e9));

        long t1 = System.nanoTime();
        DemoModel.Fit fit = DemoModel.fit(data, o.seed(), o.trainingRows(), Math.min(1000, o.trainingRows()));
        Path model = dir.resolve("shapes-cnn.onnx");
        Path classes = dir.resolve("classes.txt");
        Path conf = dir.resolve("demo.conf");
        OutputLayout layout = new OutputLayout(dir.resolve("out").toString());
        try {
            OnnxModelWriter.writeAtomically(model, DemoModel.bytes(fit.graph()));
            OnnxModelWriter.writeAtomically(classes, (String.join("\n", ShapesDataset.CLASSES) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            OnnxModelWriter.writeAtomically(conf, config(conf, model, dataDir, classes, layout).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo model or config under " + dir, e);
        }
        ctx.log().info(String.format(Locale.ROOT, "demo: model %s, %s, in %.1f s", model, fit.describe(),
                (System.nanoTime() - t1) / 1e9));

        JobConfig cfg = JobConfigLoader.load(conf, List.of());
        ScoringJob.Result scores = Jobs.pipeline(ctx, cfg);
        table(out, data, scores);
        out.println();
        out.println("HTML report: " + layout.report());
        out.println("Outputs:     " + layout.root() + "  (drift/, drift.json, predictions/, flipped/, model/)");
        out.println("Re-run:      scripts/spark-submit.sh --master 'local[2]' -- pipeline --config " + conf);
        out.flush();
        return new Result(model, dataDir, conf, layout, fit, scores);
    }

    /** The Parquet dataset, one Spark task (and file) per day, every row computed where it is written. */
    static void writeDataset(SparkSession spark, ShapesDataset data, Path dir) {
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("date", DataTypes.StringType, false)
                .add("label", DataTypes.IntegerType, false)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        List<Integer> days = new ArrayList<>();
        for (int d = 0; d < data.days(); d++) days.add(d);
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(days, data.days())
                .flatMap((FlatMapFunction<Integer, Row>) day -> dayRows(data, day));
        spark.createDataFrame(rows, schema).write().mode(SaveMode.Overwrite).partitionBy("date").parquet(dir.toString());
    }

    private static Iterator<Row> dayRows(ShapesDataset data, int day) {
        String date = data.date(day);
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < data.rowsPerDay();
            }

            @Override
            public Row next() {
                ShapesDataset.Image img = data.image(day, i);
                Float[] boxed = new Float[img.pixels().length];
                for (int k = 0; k < boxed.length; k++) boxed[k] = img.pixels()[k];
                return RowFactory.create(ShapesDataset.id(day, i++), date, img.label(), boxed);
            }
        };
    }

    /** The job options, as a user would write them for their own model and data (see conf/shapes-demo.conf). */
    static String config(Path conf, Path model, Path data, Path classes, OutputLayout out) {
        return """
                # Written by the quantlake demo: the job options of its pipeline run. Re-run it with
                #   scripts/spark-submit.sh --master 'local[2]' -- pipeline --config %s
                model = %s
                output = %s
                input {
                  format = parquet
                  path = %s
                  id-column = id
                  label-column = label
                  partition-columns = [date]
                  parquet { tensor-column = features, encoding = array, shape = [1, 28, 28] }
                }
                # Calibrate on about 10%% of the rows of every day (hash sampling: the same rows on every run).
                calibration { method = minmax, fraction = 0.1, seed = 0, batch-size = 32 }
                scoring {
                  batch-size = 32
                  top-k = 3
                  class-names = %s
                  drift { enabled = true, fraction = 1.0 }
                }
                """.formatted(conf, q(model.toString()), q(out.root()), q(data.toString()),
                q(classes.toString()));
    }

    /** A HOCON quoted string (paths may hold characters HOCON gives meaning to). */
    private static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The per-day accuracy table. */
    static void table(PrintWriter out, ShapesDataset data, ScoringJob.Result r) {
        out.println();
        out.println("day         condition                     rows   fp32 top-1  int8 top-1  agreement  flipped");
        for (PartitionTally t : r.partitions()) {
            String date = String.valueOf(t.key()[0]);
            long day = java.time.temporal.ChronoUnit.DAYS.between(ShapesDataset.FIRST_DAY, java.time.LocalDate.parse(date));
            print(out, date, day >= 0 && day < data.days() ? data.condition((int) day).describe() : "?", t);
        }
        print(out, "all days", "", r.total());
    }

    private static void print(PrintWriter out, String name, String condition, PartitionTally t) {
        double rows = Double.NaN, fp32 = Double.NaN, int8 = Double.NaN, agreement = Double.NaN, flipped = Double.NaN;
        for (DriftReport.Metric m : DriftReport.metrics(t, true)) {
            switch (m.model() + "/" + m.metric()) {
                case "int8/rows" -> rows = m.value();
                case "fp32/drift_accuracy_top1" -> fp32 = m.value();
                case "int8/drift_accuracy_top1" -> int8 = m.value();
                case "fp32_vs_int8/agreement_top1" -> agreement = m.value();
                case "fp32_vs_int8/flipped" -> flipped = m.value();
                default -> { }
            }
        }
        out.println(String.format(Locale.ROOT, "%-11s %-27s %7.0f   %8.2f%%   %8.2f%%   %7.2f%%  %7.0f", name, condition,
                rows, 100 * fp32, 100 * int8, 100 * agreement, flipped));
    }
}
