package org.quantlake.spark.cli;

import java.io.PrintWriter;
import org.quantlake.core.graph.ModelException;
import org.quantlake.spark.JobContext;
import org.quantlake.spark.Jobs;
import org.quantlake.spark.SparkSessions;
import org.quantlake.spark.config.ConfigException;
import org.quantlake.spark.config.JobConfig;
import org.quantlake.spark.input.SchemaException;
import org.quantlake.spark.progress.JobLog;
import org.quantlake.spark.rejects.RejectThresholdException;

/** Runs a job command in a Spark session and maps its outcome to an exit code (see {@link JobCommand}). */
final class Launch {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_BAD_INPUT = 2;
    static final int EXIT_TOO_MANY_REJECTS = 3;

    private Launch() {
    }

    /** The demo command: data, model and a pipeline run in one session (see {@code demo.Demo}). */
    static int demo(java.nio.file.Path dir, long seed, int days, int cleanDays, int rowsPerDay, int trainingRows,
                    PrintWriter out, PrintWriter err) {
        try (SparkSessions.Started s = SparkSessions.start("quantlake demo")) {
            org.quantlake.spark.demo.Demo.run(JobContext.of(s.session()),
                    new org.quantlake.spark.demo.Demo.Options(dir, seed, days, cleanDays, rowsPerDay, trainingRows), out);
            return EXIT_OK;
        } catch (RuntimeException e) {
            err.println("quantlake demo failed: " + e);
            e.printStackTrace(err);
            return EXIT_FAILED;
        } finally {
            err.flush();
        }
    }

    static int run(String command, JobConfig cfg, PrintWriter err) {
        try {
            if (command.equals("convert")) {
                // Driver-only: no session, so no cluster resources are held for it.
                Jobs.convert(cfg, new org.apache.hadoop.conf.Configuration(), JobLog.stderr());
                return EXIT_OK;
            }
            try (SparkSessions.Started s = SparkSessions.start("quantlake " + command)) {
                JobContext ctx = JobContext.of(s.session());
                switch (command) {
                    case "calibrate" -> Jobs.calibrate(ctx, cfg);
                    case "score" -> Jobs.score(ctx, cfg);
                    case "pipeline" -> Jobs.pipeline(ctx, cfg);
                    default -> throw new IllegalArgumentException("unknown command " + command);
                }
            }
            return EXIT_OK;
        } catch (ConfigException | SchemaException | ModelException e) {
            err.println("quantlake " + command + ": " + e.getMessage());
            return EXIT_BAD_INPUT;
        } catch (RejectThresholdException e) {
            err.println("quantlake " + command + ": " + e.getMessage());
            return EXIT_TOO_MANY_REJECTS;
        } catch (RuntimeException e) {
            err.println("quantlake " + command + " failed: " + e);
            e.printStackTrace(err);
            return EXIT_FAILED;
        } finally {
            err.flush();
        }
    }
}
