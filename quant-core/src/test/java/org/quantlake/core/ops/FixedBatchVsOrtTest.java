package org.quantlake.core.ops;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.testutil.GraphBuilder;
import org.quantlake.core.testutil.OrtDiff;

/**
 * Models exported with a fixed batch of 1, run by us batched (batch 1, then 3 and 4 on one compiled model)
 * against ONNX Runtime run once per sample: the engine's batch rule must keep dim 0 as the batch through
 * Reshape targets that hard-code 1, Squeeze without axes, Flatten, and every op whose prepared data depends on
 * the batch (Gemm's C expanded to [M, N], maps keyed on the input shape).
 */
class FixedBatchVsOrtTest {
    private static final OrtDiff.ErrorLog LOG = new OrtDiff.ErrorLog("Fixed-batch models run batched");

    @AfterAll
    static void report() {
        LOG.print();
    }

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("Conv-Relu-MaxPool-Flatten-Gemm-Softmax", classifier()),
                Arguments.of("Reshape [1, -1]", reshapeTo(new long[] {1, -1})),
                Arguments.of("Reshape [1, 5, 63] (no -1)", reshapeTo(new long[] {1, 5, 63})),
                Arguments.of("GlobalAveragePool-Squeeze (no axes, opset 11)-MatMul", squeezeAll()),
                Arguments.of("GlobalAveragePool-Squeeze axes [2, 3] (opset 13)-Gemm", squeezeAxes()),
                Arguments.of("Transpose NHWC-Reshape [1, -1]-Gemm with C [1, N]", transposeReshape()),
                Arguments.of("MatMul [1, T, K] x [K, N] + Add [N]", tokens()),
                Arguments.of("two branches Concat axis 1 + BatchNorm", branches()),
                Arguments.of("Pad + AveragePool + Unsqueeze/Squeeze", padPool()),
                Arguments.of("Gemm C [M, N] per-row bias", gemmRowBias()));
    }

    /** A small classifier as exporters write it: bias C of shape [N] is expanded to [M, N] inside Gemm. */
    static GraphBuilder classifier() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 3, 9, 9)
                .random("w", 4, 3, 3, 3).random("wb", 4).random("fc", 10, 64).random("fcb", 10);
        b.op("Conv", "x", "w", "wb").out("c").ints("pads", 1, 1, 1, 1);
        b.op("Relu", "c").out("r");
        b.op("MaxPool", "r").out("p").ints("kernel_shape", 2, 2).ints("strides", 2, 2);
        b.op("Flatten", "p").out("f");
        b.op("Gemm", "f", "fc", "fcb").out("logits").attr("transB", 1);
        b.op("Softmax", "logits").out("y");
        return b.output("y");
    }

    static GraphBuilder reshapeTo(long[] target) {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 5, 7, 9).longs("shape", target);
        b.op("Relu", "x").out("r");
        b.op("Reshape", "r", "shape").out("y");
        return b.output("y");
    }

    static GraphBuilder squeezeAll() {
        GraphBuilder b = new GraphBuilder(11).input("x", 1, 5, 7, 9).random("w", 5, 3);
        b.op("GlobalAveragePool", "x").out("g");
        b.op("Squeeze", "g").out("s");
        b.op("MatMul", "s", "w").out("y");
        return b.output("y");
    }

    static GraphBuilder squeezeAxes() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 5, 7, 9).longs("axes", 2, 3).random("w", 5, 3).random("c", 3);
        b.op("GlobalAveragePool", "x").out("g");
        b.op("Squeeze", "g", "axes").out("s");
        b.op("Gemm", "s", "w", "c").out("y");
        return b.output("y");
    }

    static GraphBuilder transposeReshape() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 2, 3, 4).longs("shape", 1, -1).random("w", 24, 5).random("c", 1, 5);
        b.op("Transpose", "x").out("t").ints("perm", 0, 2, 3, 1);
        b.op("Reshape", "t", "shape").out("r");
        b.op("Gemm", "r", "w", "c").out("y").attr("alpha", 0.5f);
        return b.output("y");
    }

    static GraphBuilder tokens() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 6, 8).random("w", 8, 4).random("bias", 4);
        b.op("MatMul", "x", "w").out("m");
        b.op("Add", "m", "bias").out("y");
        return b.output("y");
    }

    static GraphBuilder branches() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 3, 7, 9).random("w1", 2, 3, 1, 1).random("w2", 3, 3, 3, 3)
                .random("scale", 5).random("bias", 5).random("mean", 5).uniform("var", 0.5f, 1.5f, 5);
        b.op("Conv", "x", "w1").out("a");
        b.op("Conv", "x", "w2").out("c").ints("pads", 1, 1, 1, 1);
        b.op("Concat", "a", "c").out("cat").attr("axis", 1);
        b.op("BatchNormalization", "cat", "scale", "bias", "mean", "var").out("y");
        return b.output("y");
    }

    static GraphBuilder padPool() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 3, 7, 9).longs("pads", 0, 0, 1, 2, 0, 0, 2, 1).longs("axes", 1);
        b.op("Pad", "x", "pads").out("p").attr("mode", "reflect");
        b.op("AveragePool", "p").out("a").ints("kernel_shape", 3, 3).ints("strides", 2, 2);
        b.op("Unsqueeze", "a", "axes").out("u");
        b.op("Squeeze", "u", "axes").out("y");
        return b.output("y");
    }

    /** Gemm whose C has one value per row: with a fixed batch of 1 that is [1, N], broadcast over the batch. */
    static GraphBuilder gemmRowBias() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 6).random("w", 6, 4).random("c", 1, 4);
        b.op("Gemm", "x", "w", "c").out("y").attr("beta", 0.5f);
        return b.output("y");
    }

    @ParameterizedTest(name = "{0}, batch 3")
    @MethodSource("models")
    void batch3MatchesOrtPerSample(String name, GraphBuilder model) throws Exception {
        OrtDiff.checkBatched(model, 3, OrtDiff.FLOAT, LOG, "batch 3");
    }

    @ParameterizedTest(name = "{0}, batch 4")
    @MethodSource("models")
    void batch4MatchesOrtPerSample(String name, GraphBuilder model) throws Exception {
        OrtDiff.checkBatched(model, 4, OrtDiff.FLOAT, LOG, "batch 4");
    }
}
