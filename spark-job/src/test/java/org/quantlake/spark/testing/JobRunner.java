package org.quantlake.spark.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.quantlake.spark.JobContext;
import org.quantlake.spark.config.JobConfig;
import org.quantlake.spark.config.JobConfigLoader;
import org.quantlake.spark.exec.TaskHook;
import org.quantlake.spark.progress.JobLog;

/** Runs jobs in the shared local test session with options given as {@code key=value} strings, collecting log lines. */
public final class JobRunner {
    private static final AtomicInteger DIRS = new AtomicInteger();

    public final List<String> log = new ArrayList<>();
    public final JobContext context = new JobContext(SparkTestSession.get(), JobLog.collecting(log), TaskHook.NONE);

    /** A new empty folder under the build's temp dir (target/), named after {@code name}. */
    public static Path freshDir(String name) {
        try {
            Path root = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "quantlake-tests"));
            return Files.createDirectories(root.resolve(name + "-" + ProcessHandle.current().pid() + "-" + DIRS.incrementAndGet()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Options from {@code key=value} strings over the defaults. */
    public static JobConfig config(String... overrides) {
        return JobConfigLoader.load(null, Arrays.asList(overrides));
    }

    /** Options from {@code base} plus more overrides. */
    public static JobConfig config(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(Arrays.asList(more));
        return JobConfigLoader.load(null, all);
    }
}
