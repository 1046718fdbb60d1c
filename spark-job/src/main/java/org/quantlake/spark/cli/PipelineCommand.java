package org.quantlake.spark.cli;

import picocli.CommandLine.Command;

@Command(name = "pipeline", mixinStandardHelpOptions = true, versionProvider = QuantlakeVersion.class,
        description = "calibrate, convert and score in one run.")
final class PipelineCommand extends JobCommand {
    @Override
    String name() {
        return "pipeline";
    }
}
