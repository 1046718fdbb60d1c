package org.quantlake.spark.progress;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The jobs' own progress lines: one per stage, meant for the person running spark-submit. They go to stderr with a
 * {@code [quantlake]} prefix rather than through log4j, whose default level under spark-submit buries them among
 * Spark's INFO lines or, at WARN, hides them. Tests collect them with {@link #collecting}.
 */
public final class JobLog {
    private final Consumer<String> sink;

    private JobLog(Consumer<String> sink) {
        this.sink = sink;
    }

    /** Writes to stderr. */
    public static JobLog stderr() {
        return new JobLog(line -> System.err.println("[quantlake] " + line));
    }

    /** Appends lines to {@code lines} (and to stderr, so test logs show them too). */
    public static JobLog collecting(List<String> lines) {
        JobLog err = stderr();
        return new JobLog(line -> {
            synchronized (lines) {
                lines.add(line);
            }
            err.info(line);
        });
    }

    public void info(String line) {
        sink.accept(line);
    }

    /** A fresh list-backed log (tests). */
    public static JobLog collecting() {
        return collecting(new ArrayList<>());
    }
}
