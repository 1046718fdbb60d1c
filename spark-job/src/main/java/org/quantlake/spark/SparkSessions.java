package org.quantlake.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The session of a command-line run. Spark settings come only from spark-submit ({@code --conf spark.*}, which it
 * passes as system properties that {@link SparkConf} reads); the master is never chosen here unless none was given,
 * e.g. when the jar runs outside spark-submit, in which case it is {@code local[*]}.
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    /** The settings a run uses: the user's, plus Kryo with required registration and a default master and name. */
    public static SparkConf conf(String appName) {
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) conf.setMaster("local[*]");
        if (!conf.contains("spark.app.name")) conf.setAppName(appName);
        // Local runs are interactive: show Spark's console progress bar unless the user chose otherwise.
        if (conf.get("spark.master").startsWith("local") && !conf.contains("spark.ui.showConsoleProgress")) {
            conf.set("spark.ui.showConsoleProgress", "true");
        }
        return QuantlakeKryoRegistrator.configure(conf);
    }

    /**
     * The active session if there is one (a notebook or test that calls the CLI in-process), else a new one.
     * {@link Started#owned()} says whether the caller must stop it.
     */
    public static Started start(String appName) {
        SparkSession active = SparkSession.getActiveSession().isDefined() ? SparkSession.getActiveSession().get()
                : SparkSession.getDefaultSession().isDefined() ? SparkSession.getDefaultSession().get() : null;
        if (active != null && !active.sparkContext().isStopped()) return new Started(active, false);
        return new Started(SparkSession.builder().config(conf(appName)).getOrCreate(), true);
    }

    /** A session and whether this run created it. */
    public record Started(SparkSession session, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) session.stop();
        }
    }
}
