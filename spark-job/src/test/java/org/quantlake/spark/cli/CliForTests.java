package org.quantlake.spark.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Runs the command line in-process from tests in other packages, its output on the test's stdout/stderr. */
public final class CliForTests {
    private CliForTests() {
    }

    /** The exit code of {@code quantlake args...}. */
    public static int run(String... args) {
        CommandLine cl = QuantlakeMain.commandLine();
        cl.setOut(new PrintWriter(System.out, true));
        cl.setErr(new PrintWriter(System.err, true));
        return cl.execute(args);
    }
}
