package org.quantlake.spark.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.quantlake.core.testutil.GraphBuilder;

/**
 * A small float32 CNN for job tests, built with quant-core's GraphBuilder and seeded weights: input [N, 1, 8, 8],
 * Conv 3x3 (4 channels, padded) + Relu, MaxPool 2x2, Flatten, Gemm to 10 classes. Its Gemm has the batch as rows,
 * the shape whose float kernel path depends on the batch size, so tests catch results that depend on how
 * partitions cut batches.
 */
public final class TinyModel {
    public static final int SAMPLE = 64;
    public static final int CLASSES = 10;

    private TinyModel() {
    }

    public static byte[] bytes() {
        return bytes(11);
    }

    /** The same architecture with weights from {@code seed}: a model no other test has loaded. */
    public static byte[] bytes(long seed) {
        GraphBuilder b = new GraphBuilder(13, seed);
        b.input("x", 1, 1, 8, 8).random("w", 4, 1, 3, 3).random("cb", 4).random("g", 64, 10).random("gb", 10);
        b.op("Conv", "x", "w", "cb").out("c").ints("pads", 1, 1, 1, 1);
        b.op("Relu", "c").out("r");
        b.op("MaxPool", "r").out("p").ints("kernel_shape", 2, 2).ints("strides", 2, 2);
        b.op("Flatten", "p").out("f").attr("axis", 1L);
        b.op("Gemm", "f", "g", "gb").out("logits");
        b.output("logits");
        return b.bytes();
    }

    /** Writes the model to {@code dir/tiny.onnx} (once) and returns the path. */
    public static Path file(Path dir) {
        try {
            Files.createDirectories(dir);
            Path f = dir.resolve("tiny.onnx");
            if (!Files.exists(f)) Files.write(f, bytes());
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
