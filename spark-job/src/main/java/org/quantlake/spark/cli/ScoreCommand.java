package org.quantlake.spark.cli;

import picocli.CommandLine.Command;

@Command(name = "score", mixinStandardHelpOptions = true, versionProvider = QuantlakeVersion.class,
        description = "Score the input with the int8 model (default <output>/model/model.qdq.onnx) and, with drift on, compare with the float32 model per data partition.")
final class ScoreCommand extends JobCommand {
    @Override
    String name() {
        return "score";
    }
}
