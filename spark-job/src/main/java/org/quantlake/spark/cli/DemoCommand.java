package org.quantlake.spark.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code demo}: makes a synthetic labelled dataset (shapes drawn per day, the later days shifted) and a small fitted
 * CNN, then runs {@code pipeline} on them and prints the accuracy table and the report's path. All seeded.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = QuantlakeVersion.class,
        description = {"Make a synthetic dataset and a fitted CNN under DIR, then run pipeline on them.",
            "Re-runs replace DIR's data, model and outputs with identical ones (seeded)."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--output", paramLabel = "DIR", required = true,
            description = "Folder for the data, model, config and the pipeline's outputs (DIR/out).")
    Path dir;

    @Option(names = "--days", defaultValue = "7", description = "Days (data partitions), default ${DEFAULT-VALUE}.")
    int days;

    @Option(names = "--clean-days", defaultValue = "3",
            description = "Leading days without distribution shift, default ${DEFAULT-VALUE}.")
    int cleanDays;

    @Option(names = "--rows-per-day", defaultValue = "2000", description = "Images per day, default ${DEFAULT-VALUE}.")
    int rowsPerDay;

    @Option(names = "--training-rows", defaultValue = "3000",
            description = "Clean images the model's BN statistics and head are fitted on, default ${DEFAULT-VALUE}.")
    int trainingRows;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the data and the model, default ${DEFAULT-VALUE}.")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (days < 1 || cleanDays < 0 || cleanDays > days || rowsPerDay < 1 || trainingRows < 20) {
            spec.commandLine().getErr().println("quantlake demo: need --days >= 1, 0 <= --clean-days <= --days,"
                    + " --rows-per-day >= 1 and --training-rows >= 20");
            return Launch.EXIT_BAD_INPUT;
        }
        return Launch.demo(dir, seed, days, cleanDays, rowsPerDay, trainingRows, spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}
