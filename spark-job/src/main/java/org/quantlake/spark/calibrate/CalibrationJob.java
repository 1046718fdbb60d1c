package org.quantlake.spark.calibrate;

import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.storage.StorageLevel;
import org.quantlake.core.ptq.CalibrationState;
import org.quantlake.core.ptq.Calibrator;
import org.quantlake.core.ptq.PostTrainingQuantizer;
import org.quantlake.spark.JobContext;
import org.quantlake.spark.config.CalibrationSpec;
import org.quantlake.spark.input.InputData;
import org.quantlake.spark.model.ModelFile;
import org.quantlake.spark.model.ModelShape;
import org.quantlake.spark.output.OutputLayout;
import org.quantlake.spark.progress.StageProgress;
import org.quantlake.spark.rejects.RejectRecord;
import org.quantlake.spark.rejects.Rejects;

/**
 * Distributed calibration: executors observe their partitions (one serialized CalibrationState per partition, see
 * {@link CalibrationTask}) and a treeAggregate merges the states. Histogram methods take a second pass over the same
 * rows, on grids fixed by the merged first pass, broadcast to every task.
 *
 * <p>Because states merge exactly, every row is observed at the same engine batch size, and sampling is decided per
 * row, the merged bytes are identical for any number of partitions, any row order and any task retry.
 */
public final class CalibrationJob {
    private CalibrationJob() {
    }

    /**
     * Calibrates {@code model} on {@code input}; writes the rejected rows to {@code _rejected/calibrate} and fails (after
     * writing them) when there are too many.
     */
    public static CalibrationResult run(JobContext ctx, ModelFile model, ModelShape shape, InputData input,
                                        CalibrationSpec spec, double maxRejectFraction, OutputLayout out) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark().sparkContext());
        // The driver's own plan gives the empty states (the merge identity) and checks the config before any work.
        Calibrator driver = new PostTrainingQuantizer(model.graph(), spec.qconfig()).calibrator();
        boolean twoPass = driver.plan().needsSecondPass();
        Broadcast<byte[]> bytes = jsc.broadcast(model.bytes());
        try {
            String name1 = twoPass ? "calibrate pass 1 (ranges)" : "calibrate (" + spec.method().label() + ")";
            StageProgress p1 = StageProgress.begin(ctx.spark(), ctx.log(), name1);
            JavaRDD<CalibrationRecord> records = input.frame().javaRDD().mapPartitions(new CalibrationTask(name1, bytes,
                    model.sha256(), spec, null, input.decoder(), shape.sampleSize(), p1, ctx.hook()));
            records.persist(StorageLevel.MEMORY_AND_DISK());
            CalibrationTally t1;
            try {
                t1 = merge(records, driver.newRangeState().toBytes(), spec.treeDepth());
                p1.end(t1.observed(), String.format(Locale.ROOT, "%,d rows read, %,d sampled out, %,d rejected, %,d batches"
                        + " of %d", t1.read, t1.sampledOut, t1.rejected, t1.batches, spec.batchSize()));
                StageProgress w = StageProgress.begin(ctx.spark(), ctx.log(), "calibrate: write rejected rows");
                JavaRDD<RejectRecord> rejects = records.filter((Function<CalibrationRecord, Boolean>) r -> !r.isTally())
                        .map((Function<CalibrationRecord, RejectRecord>) r -> r.reject);
                Rejects.frame(ctx.spark(), rejects, input.partitions()).write().mode(SaveMode.Overwrite)
                        .parquet(out.rejected("calibrate"));
                w.end(String.format(Locale.ROOT, "%,d row%s to %s", t1.rejected, t1.rejected == 1 ? "" : "s",
                        out.rejected("calibrate")));
            } finally {
                records.unpersist(false);
            }
            Rejects.check("calibration", t1.rejected, t1.used(), t1.reasons, maxRejectFraction, out.rejected("calibrate"));
            if (t1.observed() == 0) {
                throw new IllegalStateException("calibration observed no rows: " + t1.read + " read, " + t1.sampledOut
                        + " outside the sample (calibration.fraction = " + spec.fraction() + "), " + t1.rejected + " rejected");
            }
            byte[] histograms = null;
            if (twoPass) {
                Broadcast<byte[]> ranges = jsc.broadcast(t1.state());
                try {
                    String name2 = "calibrate pass 2 (" + (spec.method().usesHistogram() ? "histograms, " + spec.method().label() : "")
                            + (spec.method().usesHistogram() && !driver.plan().gptqNodes().isEmpty() ? "; " : "")
                            + (driver.plan().gptqNodes().isEmpty() ? "" : "GPTQ Gram matrices of " + driver.plan().gptqNodes().size()
                            + " layers") + ")";
                    StageProgress p2 = StageProgress.begin(ctx.spark(), ctx.log(), name2);
                    JavaRDD<CalibrationRecord> pass2 = input.frame().javaRDD().mapPartitions(new CalibrationTask(name2,
                            bytes, model.sha256(), spec, ranges, input.decoder(), shape.sampleSize(), p2, ctx.hook()));
                    byte[] zero = driver.newSecondPassState(CalibrationState.fromBytes(t1.state())).toBytes();
                    CalibrationTally t2 = merge(pass2, zero, spec.treeDepth());
                    if (t2.observed() != t1.observed()) {
                        throw new IllegalStateException("pass 2 observed " + t2.observed() + " rows but pass 1 "
                                + t1.observed() + ": the input changed between the passes");
                    }
                    p2.end(t2.observed(), String.format(Locale.ROOT, "%,d batches", t2.batches));
                    histograms = t2.state();
                } finally {
                    ranges.destroy();
                }
            }
            if (t1.kernels.size() > 1) {
                ctx.log().info("warning: executors ran different float kernels " + t1.kernels + ": the statistics may differ"
                        + " in the last bits from a run on one kind; give every executor --add-modules=jdk.incubator.vector"
                        + " (spark.executor.extraJavaOptions)");
            }
            return new CalibrationResult(t1.state(), histograms, t1.read, t1.sampledOut, t1.rejected, t1.observed(),
                    t1.reasons, t1.kernels);
        } finally {
            bytes.destroy();
        }
    }

    /** The treeAggregate of the tasks' tallies, starting from the empty state {@code zero}. */
    private static CalibrationTally merge(JavaRDD<CalibrationRecord> records, byte[] zero, int depth) {
        Function2<CalibrationTally, CalibrationTally, CalibrationTally> merge = CalibrationTally::merge;
        return records.filter((Function<CalibrationRecord, Boolean>) CalibrationRecord::isTally)
                .map((Function<CalibrationRecord, CalibrationTally>) r -> r.tally)
                .treeAggregate(new CalibrationTally(zero), merge, merge, depth);
    }
}
