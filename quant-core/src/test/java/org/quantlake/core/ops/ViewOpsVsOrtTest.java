package org.quantlake.core.ops;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.testutil.GraphBuilder;
import org.quantlake.core.testutil.OrtDiff;

/**
 * The ops that re-label a buffer against ONNX Runtime: Flatten (every axis incl. 0, negative and rank), Reshape
 * (0 copies a dim, -1 infers one, allowzero, an empty tensor), Squeeze and Unsqueeze in both forms (axes attribute
 * before opset 13, axes input from 13; negative axes; Squeeze without axes), Identity and Dropout (inference:
 * pass-through; ratio as attribute and as input, training_mode false, an unread mask output). Values must be
 * bit-identical and shapes equal; some cases put the view between two Relus, so an aliased buffer is read and
 * written by real steps.
 */
class ViewOpsVsOrtTest {
    private static final OrtDiff.ErrorLog LOG = new OrtDiff.ErrorLog("View ops");

    @AfterAll
    static void report() {
        LOG.print();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                view("Flatten", "axis 1 (default)", 13, s(2, 5, 7, 9), b -> { }, o -> { }),
                view("Flatten", "axis 0", 13, s(2, 5, 7, 9), b -> { }, o -> o.attr("axis", 0)),
                view("Flatten", "axis 2", 11, s(2, 5, 7, 9), b -> { }, o -> o.attr("axis", 2)),
                view("Flatten", "axis -1", 13, s(2, 5, 7, 9), b -> { }, o -> o.attr("axis", -1)),
                view("Flatten", "axis = rank", 13, s(2, 5, 7, 9), b -> { }, o -> o.attr("axis", 4)),
                view("Flatten", "opset 7 axis 3", 7, s(2, 5, 7, 9), b -> { }, o -> o.attr("axis", 3)),
                chained("Flatten", "between Relus", 13, s(2, 5, 7, 9), b -> { }, o -> { }),
                view("Reshape", "-1", 13, s(2, 5, 7, 9), b -> b.longs("shape", 2, -1), o -> { }, "shape"),
                view("Reshape", "0 and -1", 13, s(2, 5, 7, 9), b -> b.longs("shape", 0, 0, -1), o -> { }, "shape"),
                view("Reshape", "0 in the middle", 13, s(2, 5, 7, 9), b -> b.longs("shape", 7, 0, 2, 9), o -> { }, "shape"),
                view("Reshape", "-1 first", 13, s(2, 5, 7, 9), b -> b.longs("shape", -1, 9), o -> { }, "shape"),
                view("Reshape", "to rank 6", 7, s(2, 5, 7, 9), b -> b.longs("shape", 2, 1, 5, 7, 3, 3), o -> { }, "shape"),
                view("Reshape", "allowzero=1 without zeros", 14, s(2, 5, 7, 9), b -> b.longs("shape", 10, -1), o -> o.attr("allowzero", 1), "shape"),
                view("Reshape", "allowzero=0 explicit", 14, s(2, 5, 7, 9), b -> b.longs("shape", 0, 35, -1), o -> o.attr("allowzero", 0), "shape"),
                view("Reshape", "allowzero=1 empty tensor", 14, s(0, 3, 4), b -> b.longs("shape", 3, 4, 0), o -> o.attr("allowzero", 1), "shape"),
                view("Reshape", "allowzero=0 empty tensor", 14, s(0, 3, 4), b -> b.longs("shape", 0, 12), o -> { }, "shape"),
                chained("Reshape", "between Relus", 13, s(2, 5, 7, 9), b -> b.longs("shape", 10, 63), o -> { }, "shape"),
                view("Squeeze", "opset 11 axes [1]", 11, s(2, 1, 7, 1), b -> { }, o -> o.ints("axes", 1)),
                view("Squeeze", "opset 11 axes [-1, 1]", 11, s(2, 1, 7, 1), b -> { }, o -> o.ints("axes", -1, 1)),
                view("Squeeze", "opset 11 no axes", 11, s(2, 1, 7, 1), b -> { }, o -> { }),
                view("Squeeze", "opset 7 axes [3]", 7, s(2, 1, 7, 1), b -> { }, o -> o.ints("axes", 3)),
                view("Squeeze", "opset 13 axes input [1]", 13, s(2, 1, 7, 1), b -> b.longs("axes", 1), o -> { }, "axes"),
                view("Squeeze", "opset 13 axes input [-1]", 13, s(2, 1, 7, 1), b -> b.longs("axes", -1), o -> { }, "axes"),
                view("Squeeze", "opset 13 no axes", 13, s(2, 1, 7, 1), b -> { }, o -> { }),
                view("Squeeze", "opset 21 axes input [1, 3]", 21, s(2, 1, 7, 1), b -> b.longs("axes", 1, 3), o -> { }, "axes"),
                view("Unsqueeze", "opset 11 axes [0, 3]", 11, s(2, 5, 7), b -> { }, o -> o.ints("axes", 0, 3)),
                view("Unsqueeze", "opset 11 axes [-1]", 11, s(2, 5, 7), b -> { }, o -> o.ints("axes", -1)),
                view("Unsqueeze", "opset 7 axes [1]", 7, s(2, 5, 7), b -> { }, o -> o.ints("axes", 1)),
                view("Unsqueeze", "opset 13 axes input [1, -1]", 13, s(2, 5, 7), b -> b.longs("axes", 1, -1), o -> { }, "axes"),
                view("Unsqueeze", "opset 13 axes input [4, 0]", 13, s(2, 5, 7), b -> b.longs("axes", 4, 0), o -> { }, "axes"),
                chained("Unsqueeze", "between Relus", 13, s(2, 5, 7), b -> b.longs("axes", 2), o -> { }, "axes"),
                view("Identity", "opset 7", 7, s(2, 5, 7, 9), b -> { }, o -> { }),
                chained("Identity", "between Relus", 16, s(2, 5, 7, 9), b -> { }, o -> { }),
                view("Dropout", "opset 7 ratio attribute", 7, s(2, 5, 7, 9), b -> { }, o -> o.attr("ratio", 0.3f)),
                view("Dropout", "opset 10 unread mask", 10, s(2, 5, 7, 9), b -> { }, o -> o.out("y", "mask")),
                view("Dropout", "opset 12 ratio input", 12, s(2, 5, 7, 9), b -> b.floatScalar("ratio", 0.4f), o -> { }, "ratio"),
                view("Dropout", "opset 13 training_mode false", 13, s(2, 5, 7, 9),
                        b -> b.floatScalar("ratio", 0.4f).init("training", TensorData.ofBytes(ElemType.BOOL, new int[0], new byte[] {0})),
                        o -> { }, "ratio", "training"),
                chained("Dropout", "between Relus", 13, s(2, 5, 7, 9), b -> { }, o -> { }));
    }

    private static int[] s(int... d) { return d; }

    /** x -> op(x, extra inputs) -> y. */
    static Arguments view(String op, String name, int opset, int[] x, Consumer<GraphBuilder> inits,
                          Consumer<GraphBuilder.Op> attrs, String... extraInputs) {
        GraphBuilder b = new GraphBuilder(opset).input("x", x);
        inits.accept(b);
        attrs.accept(b.op(op, inputs("x", extraInputs)).out("y"));
        b.output("y");
        return Arguments.of(op + " " + name, op, b);
    }

    /** x -> Relu -> op -> Relu -> y. */
    static Arguments chained(String op, String name, int opset, int[] x, Consumer<GraphBuilder> inits,
                             Consumer<GraphBuilder.Op> attrs, String... extraInputs) {
        GraphBuilder b = new GraphBuilder(opset).input("x", x);
        inits.accept(b);
        b.op("Relu", "x").out("r");
        attrs.accept(b.op(op, inputs("r", extraInputs)).out("v"));
        b.op("Relu", "v").out("y");
        b.output("y");
        return Arguments.of(op + " " + name, op, b);
    }

    private static String[] inputs(String first, String[] extra) {
        String[] ins = new String[1 + extra.length];
        ins[0] = first;
        System.arraycopy(extra, 0, ins, 1, extra.length);
        return ins;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesOrtExactly(String name, String op, GraphBuilder model) throws Exception {
        OrtDiff.check(model, OrtDiff.EXACT, LOG, op);
    }
}
