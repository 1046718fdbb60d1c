package org.quantlake.spark.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.quantlake.spark.config.ConfigException;
import org.quantlake.spark.config.JobConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A job sub-command: loads the options, then hands them to {@link Launch}, which is the only class of the CLI that
 * touches Spark (so {@code --help} works without Spark on the classpath).
 *
 * <p>Exit codes: 0 success; 1 the job failed; 2 bad options, model or input schema (nothing was computed);
 * 3 too many rejected rows (they were written to {@code _rejected/}).
 */
abstract class JobCommand implements Callable<Integer> {
    @Mixin
    JobOptions options;

    @Spec
    CommandSpec spec;

    /** The command's name, e.g. "calibrate". */
    abstract String name();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        JobConfig cfg;
        try {
            cfg = options.load();
        } catch (ConfigException e) {
            err.println("quantlake " + name() + ": " + e.getMessage());
            return Launch.EXIT_BAD_INPUT;
        }
        return Launch.run(name(), cfg, err);
    }
}
