package org.quantlake.spark.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quantlake.spark.config.JobConfig;
import org.quantlake.spark.config.JobConfigLoader;
import picocli.CommandLine.Option;

/** The options every job command shares: the job config file, overrides, and shortcuts for the usual three. */
final class JobOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Job config file (HOCON; keys as in spark-job's reference.conf, e.g. conf/mnist-parquet.conf).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one option, e.g. --set calibration.method=kl (repeatable; wins over --config).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--model", paramLabel = "ONNX", description = "The float32 model (option `model`).")
    String model;

    @Option(names = "--input", paramLabel = "PATH", description = "The input dataset (option `input.path`).")
    String input;

    @Option(names = "--output", paramLabel = "DIR", description = "The output root (option `output`).")
    String output;

    /** The options, resolved and checked. */
    JobConfig load() {
        Map<String, String> literals = new LinkedHashMap<>();
        if (model != null) literals.put("model", model);
        if (input != null) literals.put("input.path", input);
        if (output != null) literals.put("output", output);
        return JobConfigLoader.load(config, sets, literals);
    }
}
