package org.quantlake.spark.cli;

import picocli.CommandLine.Command;

@Command(name = "calibrate", mixinStandardHelpOptions = true, versionProvider = QuantlakeVersion.class,
        description = "Calibrate on the input data (executors observe, states merge exactly), convert on the driver, and write the int8 QDQ model, its statistics and provenance under <output>/model/.")
final class CalibrateCommand extends JobCommand {
    @Override
    String name() {
        return "calibrate";
    }
}
