package org.quantlake.core.ops;

import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.testutil.GraphBuilder;
import org.quantlake.core.testutil.OrtDiff;

/**
 * Elementwise activations against ONNX Runtime: Relu, LeakyRelu, Sigmoid, HardSigmoid, HardSwish with default and
 * explicit attributes, and Clip in both forms: attributes before opset 11 (min, max, either, neither) and
 * optional inputs from 11 (both, min only, max only through an empty min name, neither).
 */
class ActivationVsOrtTest {
    private static final OrtDiff.ErrorLog LOG = new OrtDiff.ErrorLog("Activations");

    @AfterAll
    static void report() {
        LOG.print();
    }

    static Stream<Arguments> exact() {
        return Stream.of(
                unary("Relu", "opset 7", 7, o -> { }),
                unary("Relu", "opset 14", 14, o -> { }),
                unary("LeakyRelu", "default alpha", 13, o -> { }),
                unary("LeakyRelu", "alpha 0.2", 16, o -> o.attr("alpha", 0.2f)),
                unary("Clip", "opset 7 min and max", 7, o -> o.attr("min", -0.5f).attr("max", 0.75f)),
                unary("Clip", "opset 7 min only", 7, o -> o.attr("min", 0f)),
                unary("Clip", "opset 10 max only", 10, o -> o.attr("max", 6f / 4)),
                unary("Clip", "opset 10 neither", 10, o -> { }),
                clip("opset 11 min and max", 11, "lo", "hi"),
                clip("opset 13 min and max", 13, "lo", "hi"),
                clip("opset 13 min only", 13, "lo"),
                clip("opset 12 max only", 12, "", "hi"),
                clip("opset 13 neither", 13),
                clip("opset 21 min and max", 21, "lo", "hi"),
                clipInverted());
    }

    static Stream<Arguments> rounded() {
        return Stream.of(
                unary("Sigmoid", "opset 7", 7, o -> { }),
                unary("Sigmoid", "opset 13", 13, o -> { }),
                unary("HardSigmoid", "defaults", 7, o -> { }),
                unary("HardSigmoid", "alpha 0.3 beta 0.4", 13, o -> o.attr("alpha", 0.3f).attr("beta", 0.4f)),
                unary("HardSwish", "opset 14", 14, o -> { }));
    }

    static Arguments unary(String op, String name, int opset, Consumer<GraphBuilder.Op> attrs) {
        GraphBuilder b = new GraphBuilder(opset).input("x", 2, 5, 7, 9);
        attrs.accept(b.op(op, "x").out("y"));
        b.output("y");
        return Arguments.of(op + " " + name, op, b);
    }

    /** Clip with optional inputs (opset 11+): names of min and max, "" for an absent min. */
    static Arguments clip(String name, int opset, String... bounds) {
        GraphBuilder b = new GraphBuilder(opset).input("x", 2, 5, 7, 9).floatScalar("lo", -0.5f).floatScalar("hi", 0.75f);
        String[] ins = new String[1 + bounds.length];
        ins[0] = "x";
        System.arraycopy(bounds, 0, ins, 1, bounds.length);
        b.op("Clip", ins).out("y");
        b.output("y");
        return Arguments.of("Clip " + name, "Clip", b);
    }

    /** min > max: ORT computes min(max(x, lo), hi), so every output is max; so must we. */
    static Arguments clipInverted() {
        GraphBuilder b = new GraphBuilder(13).input("x", 2, 5, 7, 9).floatScalar("lo", 1f).floatScalar("hi", -1f);
        b.op("Clip", "x", "lo", "hi").out("y");
        b.output("y");
        return Arguments.of("Clip min > max", "Clip", b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exact")
    void selectingActivationsMatchOrtExactly(String name, String op, GraphBuilder model) throws Exception {
        OrtDiff.check(model, widened(model), OrtDiff.EXACT, LOG, op);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rounded")
    void computedActivationsMatchOrt(String name, String op, GraphBuilder model) throws Exception {
        OrtDiff.check(model, widened(model), OrtDiff.FLOAT, LOG, op);
    }

    /** Standard normal x 4, so the saturating activations (HardSigmoid, HardSwish, Clip) see both ends. */
    private static Map<String, float[]> widened(GraphBuilder model) {
        Map<String, float[]> in = model.randomInputs(3);
        for (float[] v : in.values()) for (int i = 0; i < v.length; i++) v[i] *= 4;
        return in;
    }
}
