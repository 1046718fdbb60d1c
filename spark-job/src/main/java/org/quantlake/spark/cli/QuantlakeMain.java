package org.quantlake.spark.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The entry point of the shaded jar ({@code Main-Class}), run by spark-submit or {@code java -jar}.
 *
 * <p>It must not touch Spark classes itself: {@code java -jar quantlake-spark-job.jar --version} (and every
 * command's {@code --help}) runs without Spark on the classpath; only {@link Launch} does.
 */
@Command(name = "quantlake",
        mixinStandardHelpOptions = true,
        versionProvider = QuantlakeVersion.class,
        description = "Post-training int8 quantization of ONNX CNNs as Apache Spark jobs.",
        subcommands = {CalibrateCommand.class, ConvertCommand.class, ScoreCommand.class, PipelineCommand.class,
            DemoCommand.class},
        footer = {"", "Job options: --config FILE and --set KEY=VALUE (see spark-job's reference.conf);"
                + " Spark settings: spark-submit --conf spark.*.",
                "Exit codes: 0 ok, 1 job failed, 2 bad options/model/input schema, 3 too many rejected rows."})
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
