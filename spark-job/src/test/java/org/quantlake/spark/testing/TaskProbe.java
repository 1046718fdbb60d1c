package org.quantlake.spark.testing;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;

/**
 * Test instrumentation run at the start of every task: optionally leaves a marker file naming the partition,
 * stage attempt, task attempt and executor PID, then optionally sleeps.
 *
 * <p>The sleep makes a stage long enough for a test to kill an executor in the middle of it; the markers tell
 * the test which executor is busy and, afterwards, that Spark really re-ran lost work. The marker directory
 * must be visible to every executor: true for a cluster on one machine.
 *
 * @param pauseMillis how long each task sleeps before its work (0: not at all)
 * @param markerDir   where to leave markers (null: nowhere)
 */
public record TaskProbe(long pauseMillis, String markerDir) implements Serializable {
    /** Does nothing. */
    public static final TaskProbe NONE = new TaskProbe(0, null);

    private static final Pattern NAME = Pattern.compile("p(\\d+)-s(\\d+)-a(\\d+)-pid(\\d+)");

    /** One task start, as recorded by a marker file. */
    public record Marker(int partition, int stageAttempt, int attempt, long pid) {
        /** True for a re-run: a retried task or a resubmitted stage. */
        public boolean isRetry() {
            return attempt > 0 || stageAttempt > 0;
        }
    }

    void onTaskStart() throws InterruptedException {
        if (markerDir != null) {
            TaskContext t = TaskContext.get();
            String name = "p" + t.partitionId() + "-s" + t.stageAttemptNumber() + "-a" + t.attemptNumber()
                    + "-pid" + ProcessHandle.current().pid();
            try {
                Files.createFile(Path.of(markerDir, name));
            } catch (FileAlreadyExistsException e) {
                // A speculative twin in the same JVM: the marker already says what it needs to.
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (pauseMillis > 0) {
            Thread.sleep(pauseMillis);
        }
    }

    /** The markers left in {@code dir} so far. */
    public static List<Marker> read(Path dir) throws IOException {
        List<Marker> markers = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches()) {
                    markers.add(new Marker(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                            Integer.parseInt(m.group(3)), Long.parseLong(m.group(4))));
                }
            }
        }
        return markers;
    }
}
