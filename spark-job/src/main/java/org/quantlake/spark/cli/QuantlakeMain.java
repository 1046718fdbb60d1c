package org.quantlake.spark.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The entry point of the shaded jar ({@code Main-Class}), run by spark-submit or {@code java -jar}.
 *
 * <p>It must not touch Spark classes itself: {@code java -jar quantlake-spark-job.jar --version} runs without
 * Spark on the classpath. The jobs (calibrate, convert, score) will be sub-commands.
 */
@Command(name = "quantlake",
        mixinStandardHelpOptions = true,
        versionProvider = QuantlakeVersion.class,
        description = "Post-training int8 quantization of ONNX CNNs as Apache Spark jobs.")
public final class QuantlakeMain implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** With nothing to do, show the usage on stderr and exit with picocli's usage-error code (2). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** The configured command line; tests drive it without exiting the JVM. */
    static CommandLine commandLine() {
        return new CommandLine(new QuantlakeMain());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
