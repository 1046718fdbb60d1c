package org.quantlake.core.testutil;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared real models and data (../shared/assets); tests that need them skip with a message when absent. */
public final class Assets {
    private Assets() {}

    public static Path root() {
        String p = System.getProperty("ql.assets.dir");
        return Path.of(p != null ? p : "../../shared/assets").toAbsolutePath().normalize();
    }

    /** The asset at {@code relative}, or a skipped test naming what is missing. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), "shared asset " + p + " is absent: skipping (set -Dql.assets.dir to the assets folder)");
        return p;
    }

    public static Path mnistModel() { return require("mnist/mnist-12.onnx"); }

    public static Path squeezenet() { return require("imagenet/models/squeezenet1.1-fp32.onnx"); }
}
