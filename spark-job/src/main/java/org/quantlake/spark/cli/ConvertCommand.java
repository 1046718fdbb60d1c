package org.quantlake.spark.cli;

import picocli.CommandLine.Command;

@Command(name = "convert", mixinStandardHelpOptions = true, versionProvider = QuantlakeVersion.class,
        description = "Convert again from the statistics a calibration saved under <output>/model/calibration/ (no Spark work): e.g. another histogram range method or weight scheme.")
final class ConvertCommand extends JobCommand {
    @Override
    String name() {
        return "convert";
    }
}
