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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quantlake.spark.output.OutputLayout;
import org.quantlake.spark.testing.JobRunner;
import org.quantlake.spark.testing.ProbeHook;
import org.quantlake.spark.testing.SparkTestSession;
import org.quantlake.spark.testing.StandaloneCluster;
import org.quantlake.spark.testing.TaskProbe;
import org.quantlake.spark.testing.TestRows;
import org.quantlake.spark.testing.TinyModel;

/**
 * The calibrate command of the shipped jar on a real standalone cluster (Master + 2 Workers on 127.0.0.1), submitted
 * with spark-submit: its statistics (both passes of a histogram method) and model are byte-identical to local mode's,
 * and still are when one executor JVM is killed with SIGKILL in the middle of pass 1. Then nothing the test started
 * may be alive.
 */
class CalibrationClusterIT {
    private static final int ROWS = 1500;
    private static final int PARTITIONS = 64;
    /** Per-task pause of pass 1 in the killed run: 64 tasks on 2 single-core executors take ~8 s, plenty to aim at. */
    private static final long PAUSE_MS = 250;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(300);

    private static List<String> jobArgs(Path model, String data, String out) {
        return List.of("calibrate", "--model", model.toString(), "--input", data, "--output", out,
                "--set", "input.partitions=" + PARTITIONS, "--set", "input.id-column=id",
                "--set", "calibration.method=kl", "--set", "calibration.batch-size=16",
                "--set", "calibration.dataset-description=\"cluster test rows\"");
    }

    private record Artifacts(byte[] pass1, byte[] pass2, byte[] model) {
        static Artifacts read(String root) throws IOException {
            OutputLayout o = new OutputLayout(root);
            return new Artifacts(Files.readAllBytes(Path.of(o.rangeState())), Files.readAllBytes(Path.of(o.histogramState())),
                    Files.readAllBytes(Path.of(o.qdqModel())));
        }

        void assertSame(Artifacts other, String what) {
            assertArrayEquals(pass1, other.pass1, what + ": pass-1 statistics");
            assertArrayEquals(pass2, other.pass2, what + ": pass-2 statistics");
            assertArrayEquals(model, other.model, what + ": QDQ model");
        }
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void clusterCalibrationMatchesLocalModeAndSurvivesAnExecutorKill() throws Exception {
        Path itDir = Files.createDirectories(Path.of(System.getProperty("ql.it.dir")));
        StandaloneCluster cluster = StandaloneCluster.start(itDir, 2, START_TIMEOUT);
        try (cluster) {
            // The daemons boot in their own JVMs meanwhile: write the data and calibrate in local mode.
            Path dir = Files.createDirectories(cluster.dir().resolve("data"));
            Path model = TinyModel.file(dir);
            String data = TestRows.write(SparkTestSession.get(), TestRows.rows(TestRows.shuffled(ROWS, 8)), dir.resolve("rows"));
            String localOut = cluster.dir().resolve("local").toString();
            Jobs.calibrate(new JobRunner().context, org.quantlake.spark.config.JobConfigLoader.load(null,
                    args(jobArgs(model, data, localOut))));
            Artifacts local = Artifacts.read(localOut);
            long t0 = System.nanoTime();
            cluster.awaitAliveWorkers(START_TIMEOUT);
            log("workers ALIVE %d ms after the local run", millisSince(t0));

            String plainOut = cluster.dir().resolve("plain").toString();
            t0 = System.nanoTime();
            Process driver = cluster.sparkSubmit("plain", submitArgs(List.of(), jobArgs(model, data, plainOut)));
            awaitSuccess(cluster, "plain", driver);
            log("plain run: %d ms", millisSince(t0));
            local.assertSame(Artifacts.read(plainOut), "cluster vs local mode");
            assertTrue(Files.readString(cluster.logOf("plain")).contains("[quantlake] calibrate pass 1 (ranges): 1,500 rows read"),
                    "the driver logs its stage lines");

            String killedOut = cluster.dir().resolve("killed").toString();
            Path markers = Files.createDirectories(cluster.dir().resolve("killed-markers"));
            t0 = System.nanoTime();
            driver = cluster.sparkSubmit("killed", submitArgs(List.of(
                    "--jars", System.getProperty("ql.tests.jar"),
                    "--conf", "spark.quantlake.taskHook=" + ProbeHook.class.getName(),
                    "--conf", "spark.quantlake.test.stage=calibrate pass 1",
                    "--conf", "spark.quantlake.test.pauseMs=" + PAUSE_MS,
                    "--conf", "spark.quantlake.test.markerDir=" + markers), jobArgs(model, data, killedOut)));
            long victim = killOneExecutorMidStage(cluster, driver, markers, Path.of(new OutputLayout(killedOut).qdqModel()));
            awaitSuccess(cluster, "killed", driver);
            log("run with executor %d killed: %d ms", victim, millisSince(t0));
            local.assertSame(Artifacts.read(killedOut), "cluster with a killed executor vs local mode");

            List<TaskProbe.Marker> all = TaskProbe.read(markers);
            assertEquals(PARTITIONS, all.stream().map(TaskProbe.Marker::partition).distinct().count());
            assertTrue(all.stream().anyMatch(TaskProbe.Marker::isRetry),
                    "Spark re-ran the killed executor's work, so some task attempt must be a retry: " + all);
            log("pass-1 partitions started, by executor PID: %s", all.stream().collect(Collectors.groupingBy(
                    TaskProbe.Marker::pid, Collectors.mapping(TaskProbe.Marker::partition, Collectors.toCollection(TreeSet::new)))));
        }
        Set<ProcessHandle> started = cluster.processesSeen();
        assertTrue(started.size() >= 7, "master, 2 workers, 2 drivers and at least 2 executors: " + started);
        assertEquals(Set.of(), cluster.survivors(), "processes left alive after close()");
        for (ProcessHandle h : started) {
            assertFalse(h.isAlive(), "still alive: " + h.pid());
        }
    }

    /** The CLI's --set list as override strings (what JobOptions would build), for the local run. */
    private static List<String> args(List<String> cli) {
        List<String> o = new ArrayList<>();
        for (int i = 1; i < cli.size(); i += 2) {
            String flag = cli.get(i);
            String v = cli.get(i + 1);
            switch (flag) {
                case "--model" -> o.add("model=" + v);
                case "--input" -> o.add("input.path=" + v);
                case "--output" -> o.add("output=" + v);
                case "--set" -> o.add(v);
                default -> throw new IllegalArgumentException(flag);
            }
        }
        return o;
    }

    private static List<String> submitArgs(List<String> sparkOptions, List<String> job) {
        List<String> a = new ArrayList<>(sparkOptions);
        a.add(System.getProperty("ql.shaded.jar"));
        a.addAll(job);
        return a;
    }

    /**
     * Waits until pass 1 is under way on the cluster, then SIGKILLs an executor that has started a task, checking
     * first that it is alive and one of the Workers' children. Returns its PID.
     */
    private static long killOneExecutorMidStage(StandaloneCluster cluster, Process driver, Path markers, Path done)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!driver.isAlive() || Files.exists(done)) {
                fail("the job ended before an executor could be killed; raise PAUSE_MS");
            }
            List<TaskProbe.Marker> seen = TaskProbe.read(markers);
            long startedPartitions = seen.stream().map(TaskProbe.Marker::partition).distinct().count();
            if (startedPartitions >= PARTITIONS - 8) {
                fail("only " + (PARTITIONS - startedPartitions) + " tasks left before a kill was possible; raise PAUSE_MS");
            }
            if (startedPartitions >= 8) {
                Set<Long> executors = cluster.executors().stream().map(ProcessHandle::pid).collect(Collectors.toSet());
                for (TaskProbe.Marker m : seen) {
                    if (executors.contains(m.pid())) {
                        log("killing executor %d with %d of %d pass-1 tasks started", m.pid(), startedPartitions, PARTITIONS);
                        cluster.killExecutor(m.pid());
                        return m.pid();
                    }
                }
            }
            Thread.sleep(50);
        }
        fail("no pass-1 task started within " + JOB_TIMEOUT);
        return -1;
    }

    private static void awaitSuccess(StandaloneCluster cluster, String name, Process driver)
            throws InterruptedException, IOException {
        if (!driver.waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            fail("driver '" + name + "' still running after " + JOB_TIMEOUT + "; log: " + cluster.logOf(name));
        }
        if (driver.exitValue() != 0) {
            fail("driver '" + name + "' exited with " + driver.exitValue() + ":\n" + Files.readString(cluster.logOf(name)));
        }
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static void log(String format, Object... args) {
        System.out.println("[CalibrationClusterIT] " + String.format(format, args));
    }
}
