package org.quantlake.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class QuantlakeMainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = QuantlakeMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void versionNamesTheBuiltVersion() {
        assertEquals(0, run("--version"));
        String v = QuantlakeVersion.version();
        assertTrue(v.matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), "filtered version, got " + v);
        assertTrue(out.toString().startsWith("quantlake " + v + System.lineSeparator()), out.toString());
    }

    @Test
    void helpShowsUsageOnStdout() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("Usage: quantlake"), out.toString());
        assertTrue(out.toString().contains("--version"), out.toString());
    }

    @Test
    void nothingToDoIsAUsageError() {
        assertEquals(2, run());
        assertTrue(err.toString().contains("Usage: quantlake"), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, run("--frobnicate"));
        assertTrue(err.toString().contains("Unknown option: '--frobnicate'"), err.toString());
    }
}
