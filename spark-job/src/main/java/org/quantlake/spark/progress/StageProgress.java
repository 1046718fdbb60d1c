package org.quantlake.spark.progress;

import java.util.Locale;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * One stage of a job as its user sees it: a Spark job description (shown in the UI and the console progress bar),
 * named accumulators for rows, rejected rows and engine batches (live in the UI; they may over-count when tasks
 * are retried, so the log line uses the exact counts the job computed), and one log line with rows/s at the end.
 */
public final class StageProgress {
    private final SparkContext sc;
    private final JobLog log;
    private final String name;
    private final long start = System.nanoTime();
    /** Rows read by the stage's tasks. */
    public final LongAccumulator rows;
    /** Rows rejected by the stage's tasks. */
    public final LongAccumulator rejected;
    /** Forward passes run by the stage's tasks. */
    public final LongAccumulator batches;

    private StageProgress(SparkSession spark, JobLog log, String name) {
        this.sc = spark.sparkContext();
        this.log = log;
        this.name = name;
        this.rows = sc.longAccumulator("quantlake " + name + ": rows");
        this.rejected = sc.longAccumulator("quantlake " + name + ": rejected");
        this.batches = sc.longAccumulator("quantlake " + name + ": batches");
        sc.setJobDescription("quantlake " + name);
    }

    /** Starts a stage: every Spark job from this thread until {@link #end} carries its description. */
    public static StageProgress begin(SparkSession spark, JobLog log, String name) {
        return new StageProgress(spark, log, name);
    }

    /** Seconds since {@link #begin}. */
    public double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Ends the stage and logs {@code name: <what>, N rows in S s: R rows/s}, where N is {@code rowsForRate} (the rows
     * the stage ran through the model) and {@code what} gives the other counts.
     */
    public void end(long rowsForRate, String what) {
        double s = seconds();
        sc.setJobDescription(null);
        log.info(String.format(Locale.ROOT, "%s: %s; %,d rows in %.1f s: %,.0f rows/s", name, what, rowsForRate, s,
                s > 0 ? rowsForRate / s : 0.0));
    }

    /** Ends a stage that runs no rows through a model (a write), logging its duration. */
    public void end(String what) {
        double s = seconds();
        sc.setJobDescription(null);
        log.info(String.format(Locale.ROOT, "%s: %s in %.1f s", name, what, s));
    }
}
