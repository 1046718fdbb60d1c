package org.quantlake.spark.config;

import java.io.Serializable;

/**
 * Every job option, typed and validated (see {@code reference.conf} for what each does). Immutable and
 * serializable: parts of it travel to executors inside task closures.
 *
 * @param model             the float32 ONNX model (null when not given)
 * @param output            the root folder of every output
 * @param maxRejectFraction rejects.max-fraction
 * @param effective         every option as resolved (defaults included), as one line of JSON: recorded in provenance
 */
public record JobConfig(String model, String output, InputSpec input, CalibrationSpec calibration,
                        ScoringSpec scoring, double maxRejectFraction, String effective) implements Serializable {

    /** The float model, or a {@link ConfigException} saying which command needs it. */
    public String requireModel(String command) {
        if (model == null) {
            throw new ConfigException(command + " needs the float32 model: set `model` in the config file, or pass"
                    + " --model FILE");
        }
        return model;
    }

    /** The output root, or a {@link ConfigException}. */
    public String requireOutput(String command) {
        if (output == null) {
            throw new ConfigException(command + " needs an output folder: set `output`, or pass --output DIR");
        }
        return output;
    }

    /** The input dataset path, or a {@link ConfigException}. */
    public String requireInput(String command) {
        if (input.path() == null) {
            throw new ConfigException(command + " needs input data: set `input.path`, or pass --input PATH");
        }
        return input.path();
    }
}
