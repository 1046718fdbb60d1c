package org.quantlake.spark.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.quantlake.spark.testing.JobRunner;

/**
 * Executes notebooks/drift_report.ipynb headless (nbconvert) on a small demo run's output, where a Python with
 * pandas, matplotlib, nbconvert, nbclient and ipykernel exists; otherwise it is skipped with a message naming what
 * is missing. The interpreter is {@code -Dql.python}, else the first of python3 on the PATH and /usr/bin/python3
 * that has the modules (a pyenv or venv python3 often lacks what Debian's packages installed, and vice versa).
 */
class NotebookTest {
    static final List<String> MODULES = List.of("pandas", "matplotlib", "nbconvert", "nbclient", "ipykernel");
    private static final long TIMEOUT_SECONDS = 300;

    @Test
    void notebookRunsOnADemoOutput() throws Exception {
        String python = python();
        Path notebook = repositoryRoot().resolve("notebooks/drift_report.ipynb");
        assertTrue(Files.isRegularFile(notebook), notebook + " is missing");
        Path dir = JobRunner.freshDir("notebook");
        Demo.Result demo = Demo.run(new JobRunner().context, new Demo.Options(dir.resolve("demo"), 3, 3, 1, 60, 600),
                new PrintWriter(new StringWriter()));

        Path executed = dir.resolve("executed");
        ProcessBuilder pb = new ProcessBuilder(python, "-m", "nbconvert", "--to", "notebook", "--execute",
                "--ExecutePreprocessor.timeout=" + TIMEOUT_SECONDS, "--output-dir", executed.toString(), notebook.toString())
                .redirectErrorStream(true);
        pb.environment().put("QUANTLAKE_OUTPUT", demo.out().root());
        // Kernels and matplotlib write caches and runtime files under HOME; keep them in the build folder.
        pb.environment().put("MPLCONFIGDIR", dir.resolve("mpl").toString());
        pb.environment().put("JUPYTER_RUNTIME_DIR", dir.resolve("jupyter-runtime").toString());
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "nbconvert did not finish:\n" + log);
        assertEquals(0, p.exitValue(), "the notebook failed under " + python + ":\n" + log);

        String out = Files.readString(executed.resolve("drift_report.ipynb"));
        assertTrue(out.contains("output folder: " + demo.out().root()), "the notebook read another folder");
        assertTrue(out.contains("image/png"), "the notebook drew no chart");
        for (String date : List.of("2024-06-01", "2024-06-03")) assertTrue(out.contains(date), date + " missing");
        assertTrue(out.contains("relu1.out"), "calibration ranges missing");
    }

    /** An interpreter with every module, or the test is skipped naming what each candidate lacks. */
    static String python() throws IOException, InterruptedException {
        Set<String> candidates = new LinkedHashSet<>();
        String configured = System.getProperty("ql.python");
        if (configured != null && !configured.isBlank()) candidates.add(configured);
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        List<String> tried = new ArrayList<>();
        for (String c : candidates) {
            String missing = missingModules(c);
            if (missing.isEmpty()) return c;
            tried.add(c + " (" + missing + ")");
        }
        Assumptions.assumeTrue(false, "skipping the notebook: no Python with " + String.join(", ", MODULES)
                + " (tried " + String.join("; ", tried) + "). On Debian: apt-get install python3-pandas"
                + " python3-matplotlib python3-nbconvert python3-nbclient python3-ipykernel");
        return null;
    }

    /** "" when {@code python} imports every module, else what is missing or why it did not run. */
    private static String missingModules(String python) throws InterruptedException {
        String script = "import importlib.util as u; print(' '.join(m for m in " + pyList(MODULES)
                + " if u.find_spec(m) is None))";
        try {
            Process p = new ProcessBuilder(python, "-c", script).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "did not answer";
            }
            if (p.exitValue() != 0) return "failed: " + text.lines().reduce((a, b) -> b).orElse("");
            return text.isEmpty() ? "" : "missing " + text.replace(' ', ',');
        } catch (IOException e) {
            return "not found";
        }
    }

    private static String pyList(List<String> items) {
        return "[" + String.join(", ", items.stream().map(s -> "'" + s + "'").toList()) + "]";
    }

    /** The repository root: Surefire runs in the module folder (spark-job/), the notebook lives beside it. */
    static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("notebooks")) && Files.isRegularFile(p.resolve("pom.xml"))) return p;
        }
        throw new IllegalStateException("no repository root with notebooks/ above " + here);
    }
}
