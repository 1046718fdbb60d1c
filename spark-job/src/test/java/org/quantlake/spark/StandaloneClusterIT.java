package org.quantlake.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quantlake.spark.testing.SparkTestSession;
import org.quantlake.spark.testing.StandaloneCluster;
import org.quantlake.spark.testing.StateReduceApp;
import org.quantlake.spark.testing.StateReduceJob;
import org.quantlake.spark.testing.TaskProbe;

/**
 * The shipped jar on a real standalone cluster (Master + 2 Workers on 127.0.0.1): a treeAggregate of byte[]
 * observer states over 64 partitions gives the local-mode result byte for byte, and still does when one
 * executor JVM is killed with SIGKILL in the middle of the stage. Then nothing the test started may be alive.
 */
class StandaloneClusterIT {
    private static final long ROWS = 1024;
    private static final int PARTITIONS = 64;
    /** Per-task pause of the killed run: 64 tasks on 2 single-core executors take ~8 s, plenty to aim at. */
    private static final long PAUSE_MS = 250;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(180);

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void treeAggregateMatchesLocalModeAndSurvivesAnExecutorKill() throws Exception {
        Path itDir = Files.createDirectories(Path.of(System.getProperty("ql.it.dir")));
        StandaloneCluster cluster = StandaloneCluster.start(itDir, 2, START_TIMEOUT);
        try (cluster) {
            // The daemons boot in their own JVMs meanwhile.
            byte[] local = StateReduceJob.reduce(
                    StateReduceJob.samples(SparkTestSession.get(), ROWS, PARTITIONS), TaskProbe.NONE);
            assertArrayEquals(StateReduceJob.sequentialReference(ROWS), local, "local mode vs a plain loop");
            long t0 = System.nanoTime();
            cluster.awaitAliveWorkers(START_TIMEOUT);
            log("workers ALIVE %d ms after the local job", millisSince(t0));

            Path out = cluster.dir().resolve("plain.hex");
            t0 = System.nanoTime();
            Process driver = submit(cluster, "plain", out, 0, cluster.dir().resolve("plain-markers"));
            awaitSuccess(cluster, "plain", driver);
            log("plain run: %d ms", millisSince(t0));
            assertArrayEquals(local, StateReduceApp.readResult(out), "cluster vs local mode");

            Path killedOut = cluster.dir().resolve("killed.hex");
            Path markers = cluster.dir().resolve("killed-markers");
            t0 = System.nanoTime();
            driver = submit(cluster, "killed", killedOut, PAUSE_MS, markers);
            long victim = killOneExecutorMidStage(cluster, driver, markers, killedOut);
            awaitSuccess(cluster, "killed", driver);
            log("run with executor %d killed: %d ms", victim, millisSince(t0));
            assertArrayEquals(local, StateReduceApp.readResult(killedOut), "cluster with a killed executor vs local");

            List<TaskProbe.Marker> all = TaskProbe.read(markers);
            assertEquals(PARTITIONS, all.stream().map(TaskProbe.Marker::partition).distinct().count());
            assertTrue(all.stream().anyMatch(TaskProbe.Marker::isRetry),
                    "Spark re-ran the killed executor's work, so some task attempt must be a retry: " + all);
            log("partitions started, by executor PID: %s", all.stream().collect(Collectors.groupingBy(
                    TaskProbe.Marker::pid, Collectors.mapping(TaskProbe.Marker::partition, Collectors.toCollection(TreeSet::new)))));
        }
        Set<ProcessHandle> started = cluster.processesSeen();
        assertTrue(started.size() >= 7, "master, 2 workers, 2 drivers and at least 2 executors: " + started);
        assertEquals(Set.of(), cluster.survivors(), "processes left alive after close()");
        for (ProcessHandle h : started) {
            assertFalse(h.isAlive(), "still alive: " + h.pid());
        }
    }

    /**
     * Waits until the stage is under way on the cluster, then SIGKILLs the executor that started the latest
     * task, checking first that it is alive and one of the Workers' children. Returns its PID.
     */
    private static long killOneExecutorMidStage(StandaloneCluster cluster, Process driver, Path markers, Path out)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!driver.isAlive() || Files.exists(out)) {
                fail("the job ended before an executor could be killed; raise PAUSE_MS");
            }
            List<TaskProbe.Marker> seen = TaskProbe.read(markers);
            long startedPartitions = seen.stream().map(TaskProbe.Marker::partition).distinct().count();
            if (startedPartitions >= PARTITIONS - 8) {
                fail("only " + (PARTITIONS - startedPartitions) + " tasks left before a kill was possible; raise PAUSE_MS");
            }
            if (startedPartitions >= 8) {
                Set<Long> executors = cluster.executors().stream().map(ProcessHandle::pid).collect(Collectors.toSet());
                // Markers are named with the executor's PID; any live one that ran a task is busy now.
                for (TaskProbe.Marker m : seen) {
                    if (executors.contains(m.pid())) {
                        log("killing executor %d with %d of %d tasks started", m.pid(), startedPartitions, PARTITIONS);
                        cluster.killExecutor(m.pid());
                        return m.pid();
                    }
                }
            }
            Thread.sleep(50);
        }
        fail("no task started within " + JOB_TIMEOUT);
        return -1;
    }

    private static Process submit(StandaloneCluster cluster, String name, Path out, long pauseMs, Path markers)
            throws IOException {
        Files.createDirectories(markers);
        return cluster.sparkSubmit(name, List.of(
                "--class", StateReduceApp.class.getName(),
                "--jars", System.getProperty("ql.shaded.jar"),
                System.getProperty("ql.tests.jar"),
                out.toString(), Long.toString(ROWS), Integer.toString(PARTITIONS), Long.toString(pauseMs),
                markers.toString()));
    }

    private static void awaitSuccess(StandaloneCluster cluster, String name, Process driver)
            throws InterruptedException, IOException {
        if (!driver.waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            fail("driver '" + name + "' still running after " + JOB_TIMEOUT + "; log: " + cluster.logOf(name));
        }
        if (driver.exitValue() != 0) {
            fail("driver '" + name + "' exited with " + driver.exitValue() + ":\n"
                    + Files.readString(cluster.logOf(name)));
        }
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static void log(String format, Object... args) {
        System.out.println("[StandaloneClusterIT] " + String.format(format, args));
    }

}
