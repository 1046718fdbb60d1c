package org.quantlake.spark.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on 127.0.0.1 for integration tests: one Master and N Workers (1 core, 1 GB
 * each) as child JVMs, run from the Maven-resolved Spark jars (see {@link SparkHome}), plus spark-submit
 * drivers against it.
 *
 * <p>All ports are chosen by the kernel (port 0) and read back from the Master's log, so nothing collides. Every
 * process it starts carries an environment marker that executors inherit; {@link #close()} (also run by a JVM
 * shutdown hook) kills daemons, drivers and executors, including executors orphaned by a dead Worker.
 *
 * <p>Needs the system properties the Failsafe configuration sets: {@code ql.spark.classpath.file},
 * {@code ql.jvm.flags} and {@code ql.scala.binary.version}.
 */
public final class StandaloneCluster implements AutoCloseable {
    /** The environment variable marking every process of a cluster (value: the cluster's id). */
    public static final String MARKER_ENV = "QUANTLAKE_TEST_CLUSTER";

    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://127\\.0\\.0\\.1:\\d+)");
    private static final Pattern MASTER_UI_PORT = Pattern.compile("started service 'MasterUI' on port (\\d+)");
    private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
    private static final String DAEMON_HEAP = "256m";
    private static final String DRIVER_HEAP = "768m";  // Spark refuses a driver below ~450 MB
    /**
     * Every JVM of a test cluster is short-lived and busy loading classes and compiling generated code: C1 alone
     * halved the test job's time on 2 cores (first task 5 s instead of 7-11 s).
     */
    private static final String QUICK_JIT = "-XX:TieredStopAtLevel=1";

    private final Path dir;
    private final String id = UUID.randomUUID().toString();
    private final Path sparkHome;
    private final List<String> jvmFlags;
    private final String scalaVersion;
    private final Thread shutdownHook = new Thread(this::close, "standalone-cluster-cleanup");
    private final List<Process> daemons = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    /** Every process this cluster started or saw as a descendant: what close() must leave dead. */
    private final Set<ProcessHandle> seen = new LinkedHashSet<>();
    private String masterUrl;
    private URI masterJson;
    private boolean closed;

    private StandaloneCluster(Path dir, Path sparkHome, List<String> jvmFlags, String scalaVersion) {
        this.dir = dir;
        this.sparkHome = sparkHome;
        this.jvmFlags = jvmFlags;
        this.scalaVersion = scalaVersion;
    }

    /**
     * Starts a Master and {@code workers} Workers in a new folder under {@code parent}, returning once the
     * Master listens and the Workers are launched (they register later: see {@link #awaitAliveWorkers}).
     */
    public static StandaloneCluster start(Path parent, int workers, Duration timeout) throws IOException {
        Path dir = Files.createTempDirectory(Files.createDirectories(parent), "cluster-");
        Path home = SparkHome.create(dir.resolve("spark-home"), Path.of(requiredProperty("ql.spark.classpath.file")));
        List<String> flags = Arrays.asList(requiredProperty("ql.jvm.flags").trim().split("\\s+"));
        StandaloneCluster c = new StandaloneCluster(dir, home, flags, requiredProperty("ql.scala.binary.version"));
        Runtime.getRuntime().addShutdownHook(c.shutdownHook);
        try {
            c.startDaemons(workers, timeout);
        } catch (IOException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void startDaemons(int workerCount, Duration timeout) throws IOException {
        // REST submission is on by default and binds the fixed port 6066; we submit through the RPC port.
        Process master = launch("master", DAEMON_HEAP, "org.apache.spark.deploy.master.Master",
                List.of("-Dspark.master.rest.enabled=false"),
                List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0"));
        daemons.add(master);
        Path log = logOf("master");
        masterUrl = awaitLog(master, log, MASTER_URL, timeout);
        masterJson = URI.create("http://127.0.0.1:" + awaitLog(master, log, MASTER_UI_PORT, timeout) + "/json/");
        for (int i = 1; i <= workerCount; i++) {
            Path work = Files.createDirectories(dir.resolve("worker-" + i));
            Process w = launch("worker-" + i, DAEMON_HEAP, "org.apache.spark.deploy.worker.Worker", List.of(),
                    List.of(masterUrl, "--host", "127.0.0.1", "--port", "0", "--webui-port", "0",
                            "--cores", "1", "--memory", "1g", "--work-dir", work.toString()));
            daemons.add(w);
            workers.add(w);
        }
    }

    /** Waits until the Master's status reports every Worker ALIVE; throws with the logs' tails on timeout. */
    public void awaitAliveWorkers(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        int alive = 0;
        while (System.nanoTime() < deadline) {
            for (Process d : daemons) {
                if (!d.isAlive()) {
                    throw new IllegalStateException("a cluster daemon exited (code " + d.exitValue() + ")" + logTails());
                }
            }
            try {
                String json = http.send(HttpRequest.newBuilder(masterJson).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = ALIVE_WORKERS.matcher(json);
                alive = m.find() ? Integer.parseInt(m.group(1)) : 0;
                if (alive >= workers.size()) {
                    return;
                }
            } catch (IOException e) {
                // The UI may not answer yet; retry until the deadline.
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("timed out after " + timeout + ": the Master reports " + alive + " of "
                + workers.size() + " workers ALIVE" + logTails());
    }

    /** The Master's URL, {@code spark://127.0.0.1:PORT}. */
    public String masterUrl() {
        return masterUrl;
    }

    /** This cluster's folder (logs, SPARK_HOME, worker dirs). */
    public Path dir() {
        return dir;
    }

    /** The executor JVMs alive now: the Workers' child processes. */
    public synchronized List<ProcessHandle> executors() {
        List<ProcessHandle> executors = workers.stream()
                .flatMap(w -> w.toHandle().children())
                .filter(ProcessHandle::isAlive)
                .toList();
        seen.addAll(executors);
        return executors;
    }

    /** Kills executor {@code pid} with SIGKILL and waits until it is gone; refuses PIDs that are not executors. */
    public void killExecutor(long pid) throws InterruptedException {
        ProcessHandle executor = executors().stream()
                .filter(h -> h.pid() == pid)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("PID " + pid + " is not a live executor of this cluster"));
        executor.destroyForcibly();  // SIGKILL on Unix: no shutdown hooks, like a machine loss
        if (executor.onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).join() == null) {
            throw new IllegalStateException("executor " + pid + " survived SIGKILL for 30 s");
        }
    }

    /**
     * Runs {@code org.apache.spark.deploy.SparkSubmit --master <this cluster> <args>} as a child JVM in client
     * mode (the driver is that JVM), logging to {@code logs/<name>.log}. The driver's UI is off: its default
     * port is fixed.
     */
    public synchronized Process sparkSubmit(String name, List<String> args) throws IOException {
        List<String> submit = new ArrayList<>(List.of("--master", masterUrl,
                "--conf", "spark.ui.enabled=false",
                // The Vector API module: executors must run the same float kernels as the local-mode reference.
                "--conf", "spark.executor.extraJavaOptions=" + QUICK_JIT + " --add-modules=jdk.incubator.vector"
                        + " -Djava.io.tmpdir=" + tmpDir()));
        submit.addAll(args);
        return launch(name, DRIVER_HEAP, "org.apache.spark.deploy.SparkSubmit", List.of(), submit);
    }

    /** The log file of a daemon or driver started under {@code name}. */
    public Path logOf(String name) {
        return dir.resolve("logs").resolve(name + ".log");
    }

    /** Every process this cluster started or saw (daemons, drivers, executors), for leak checks. */
    public synchronized Set<ProcessHandle> processesSeen() {
        return Set.copyOf(seen);
    }

    /** Processes of this cluster still alive: recorded ones plus any found by the environment marker. */
    public synchronized Set<ProcessHandle> survivors() {
        Set<ProcessHandle> alive = new LinkedHashSet<>();
        seen.stream().filter(ProcessHandle::isAlive).forEach(alive::add);
        alive.addAll(MarkedProcesses.find(MARKER_ENV, id));
        return alive;
    }

    /**
     * Kills everything this cluster started, executors included, and waits for them to exit. Idempotent; also
     * runs from a JVM shutdown hook, so an aborted test run leaves nothing behind.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: this is the hook.
        }
        // Record descendants while their parents live (a dead Worker's executor is nobody's child).
        for (ProcessHandle h : List.copyOf(seen)) {
            h.descendants().forEach(seen::add);
        }
        // Daemons first, so no Worker launches an executor after the last look; SIGKILL, because a test
        // cluster's state is worthless and waiting for graceful shutdowns costs seconds.
        daemons.forEach(p -> p.toHandle().destroyForcibly());
        seen.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : MarkedProcesses.find(MARKER_ENV, id)) {
            seen.add(h);
            h.destroyForcibly();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ProcessHandle h : seen) {
            long left = deadline - System.nanoTime();
            h.onExit().completeOnTimeout(h, Math.max(left, 0), TimeUnit.NANOSECONDS).join();
        }
    }

    private Process launch(String name, String heap, String mainClass, List<String> extraJvmArgs, List<String> args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add(QUICK_JIT);
        cmd.addAll(jvmFlags);
        cmd.add("-Djava.io.tmpdir=" + tmpDir());
        cmd.addAll(extraJvmArgs);
        cmd.add("-cp");
        cmd.add(sparkHome.resolve("jars") + "/*");
        cmd.add(mainClass);
        cmd.addAll(args);

        Path log = Files.createDirectories(dir.resolve("logs")).resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        // The developer's Spark settings must not leak in (SPARK_CONF_DIR, SPARK_DIST_CLASSPATH, ...).
        pb.environment().keySet().removeIf(k -> k.startsWith("SPARK_") || k.startsWith("PYSPARK_"));
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        // Spark's launcher (used by Workers for executor command lines) needs this when SPARK_HOME is neither a
        // distribution nor a Spark build: "Cannot find any build directories".
        pb.environment().put("SPARK_SCALA_VERSION", scalaVersion);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_LOCAL_DIRS", dir.resolve("local").resolve(name).toString());
        // Executors get the Worker's JDK, not whatever JAVA_HOME the developer has.
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put(MARKER_ENV, id);
        Process p = pb.start();
        seen.add(p.toHandle());
        return p;
    }

    private Path tmpDir() throws IOException {
        return Files.createDirectories(dir.resolve("tmp"));
    }

    private static String awaitLog(Process p, Path log, Pattern pattern, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (m.find()) {
                    return m.group(1);
                }
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("process exited before logging " + pattern + ":\n" + tail(log));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + pattern + ":\n" + tail(log));
    }

    private String logTails() {
        StringBuilder sb = new StringBuilder();
        try (var logs = Files.list(dir.resolve("logs"))) {
            logs.sorted().forEach(l -> sb.append("\n--- ").append(l.getFileName()).append('\n').append(tail(l)));
        } catch (IOException e) {
            sb.append("\n(no logs: ").append(e).append(')');
        }
        return sb.toString();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static String requiredProperty(String key) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + key + " is not set: run the integration tests"
                    + " through Maven (mvn verify), whose Failsafe configuration sets it");
        }
        return v;
    }
}
