package org.quantlake.core.ops;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.testutil.GraphBuilder;
import org.quantlake.core.testutil.OrtDiff;

/**
 * BatchNormalization (inference) and Softmax against ONNX Runtime. BatchNorm over 2-D, 3-D and 4-D inputs across
 * its opset versions (7 with the spatial attribute, 9, 14, 15) and epsilons. Softmax across the opset 13 change:
 * before 13 the input is coerced to 2-D at {@code axis} (default 1) and normalised over everything after it; from
 * 13 only along {@code axis} (default -1), so axis=1 on a 4-D input means different things in opsets 12 and 13.
 */
class NormalizationVsOrtTest {
    private static final OrtDiff.ErrorLog LOG = new OrtDiff.ErrorLog("Normalization");

    @AfterAll
    static void report() {
        LOG.print();
    }

    static Stream<Arguments> batchNorm() {
        return Stream.of(
                bn("4-D opset 7 spatial", 7, s(2, 5, 7, 9), o -> o.attr("spatial", 1)),
                bn("4-D opset 9", 9, s(2, 5, 7, 9), o -> { }),
                bn("4-D opset 14 epsilon 1e-3", 14, s(2, 5, 7, 9), o -> o.attr("epsilon", 1e-3f)),
                bn("3-D opset 15", 15, s(2, 5, 11), o -> { }),
                bn("2-D opset 15", 15, s(3, 5), o -> { }),
                bn("opset 21 epsilon 0.1", 21, s(1, 3, 4, 4), o -> o.attr("epsilon", 0.1f)));
    }

    static Stream<Arguments> softmax() {
        return Stream.of(
                softmax("opset 11 default axis (1: coerced 2-D)", 11, s(2, 3, 4, 5), null),
                softmax("opset 12 axis 1 on 4-D", 12, s(2, 3, 4, 5), 1L),
                softmax("opset 12 axis 2", 12, s(2, 3, 4, 5), 2L),
                softmax("opset 12 axis -1", 12, s(2, 3, 4, 5), -1L),
                softmax("opset 12 axis 0", 12, s(2, 3, 4, 5), 0L),
                softmax("opset 7 2-D", 7, s(4, 10), null),
                softmax("opset 13 default axis (-1)", 13, s(2, 3, 4, 5), null),
                softmax("opset 13 axis 1 on 4-D", 13, s(2, 3, 4, 5), 1L),
                softmax("opset 13 axis 2", 13, s(2, 3, 4, 5), 2L),
                softmax("opset 13 axis -3", 13, s(2, 3, 4, 5), -3L),
                softmax("opset 13 axis 0", 13, s(2, 3, 4, 5), 0L),
                softmax("opset 13 2-D", 13, s(4, 10), null),
                softmax("opset 21 axis 1 on 3-D", 21, s(2, 7, 3), 1L));
    }

    private static int[] s(int... d) { return d; }

    static Arguments bn(String name, int opset, int[] x, Consumer<GraphBuilder.Op> attrs) {
        int c = x[1];
        GraphBuilder b = new GraphBuilder(opset).input("x", x)
                .random("scale", c).random("bias", c).random("mean", c).uniform("var", 0.1f, 2f, c);
        attrs.accept(b.op("BatchNormalization", "x", "scale", "bias", "mean", "var").out("y"));
        b.output("y");
        return Arguments.of("BatchNormalization " + name + " " + Arrays.toString(x), "BatchNormalization", b);
    }

    static Arguments softmax(String name, int opset, int[] x, Long axis) {
        GraphBuilder b = new GraphBuilder(opset).input("x", x);
        GraphBuilder.Op op = b.op("Softmax", "x").out("y");
        if (axis != null) op.attr("axis", axis.longValue());
        b.output("y");
        return Arguments.of("Softmax " + name, "Softmax", b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"batchNorm", "softmax"})
    void matchesOrt(String name, String op, GraphBuilder model) throws Exception {
        OrtDiff.check(model, OrtDiff.FLOAT, LOG, op);
    }
}
