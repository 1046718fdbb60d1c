package org.quantlake.core.ops;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.testutil.GraphBuilder;
import org.quantlake.core.testutil.OrtDiff;

/**
 * The ops that move values into a new layout, against ONNX Runtime, bit for bit: Transpose (explicit and default
 * perms, ranks 2 to 5), Concat (runtime and constant inputs, negative axis, one input twice), Gather (negative,
 * repeated, scalar and 2-D indices, INT32 indices, constant data), and Pad in both forms (pads attribute before
 * opset 11, pads/constant_value/axes inputs from 11 and 18) with constant, reflect and edge modes, negative pads
 * (cropping) and pads on the batch dim.
 */
class LayoutOpsVsOrtTest {
    private static final OrtDiff.ErrorLog LOG = new OrtDiff.ErrorLog("Layout ops");

    @AfterAll
    static void report() {
        LOG.print();
    }

    static Stream<Arguments> transpose() {
        return Stream.of(
                op("Transpose", "NCHW->NHWC", 13, s(2, 5, 7, 9), b -> { }, o -> o.ints("perm", 0, 2, 3, 1)),
                op("Transpose", "NHWC->NCHW", 13, s(2, 7, 9, 5), b -> { }, o -> o.ints("perm", 0, 3, 1, 2)),
                op("Transpose", "default perm 4-D", 13, s(2, 5, 7, 9), b -> { }, o -> { }),
                op("Transpose", "default perm 2-D", 7, s(5, 9), b -> { }, o -> { }),
                op("Transpose", "3-D [2, 0, 1]", 13, s(3, 5, 7), b -> { }, o -> o.ints("perm", 2, 0, 1)),
                op("Transpose", "5-D", 21, s(2, 3, 4, 5, 3), b -> { }, o -> o.ints("perm", 0, 4, 1, 3, 2)),
                op("Transpose", "identity perm", 13, s(2, 5, 7), b -> { }, o -> o.ints("perm", 0, 1, 2)));
    }

    static Stream<Arguments> concat() {
        return Stream.of(
                op("Concat", "axis 1 runtime + constant", 13, s(2, 5, 7, 9), b -> b.random("c", 2, 3, 7, 9), o -> o.attr("axis", 1), "c"),
                constantFirstConcat(),
                op("Concat", "axis 0 same input twice", 11, s(2, 5, 7), b -> { }, o -> o.attr("axis", 0), "x"),
                op("Concat", "axis 2 three inputs", 7, s(2, 5, 7), b -> b.random("c", 2, 5, 1).random("d", 2, 5, 4), o -> o.attr("axis", 2), "c", "d"),
                op("Concat", "axis 1 two runtime inputs", 13, s(2, 3, 4), b -> b.input("x2", 2, 6, 4), o -> o.attr("axis", 1), "x2"),
                op("Concat", "single input", 13, s(2, 3, 4), b -> { }, o -> o.attr("axis", 1)));
    }

    static Stream<Arguments> gather() {
        return Stream.of(
                op("Gather", "axis 0 negative indices", 13, s(5, 7, 9), b -> b.longs("i", 0, -1, 2), o -> { }, "i"),
                op("Gather", "axis 1 scalar negative index", 13, s(5, 7, 9), b -> b.longScalar("i", -2), o -> o.attr("axis", 1), "i"),
                op("Gather", "axis -1 2-D indices", 11, s(5, 7, 9), b -> b.init("i", TensorData.ofLongs(new int[] {2, 2}, new long[] {0, 1, -1, -3})), o -> o.attr("axis", -1), "i"),
                op("Gather", "axis 2 repeated indices", 13, s(2, 5, 7, 9), b -> b.longs("i", 3, 3, -4, 0), o -> o.attr("axis", 2), "i"),
                op("Gather", "int32 indices", 7, s(5, 7), b -> b.init("i", TensorData.ofInts(new int[] {3}, new int[] {4, -5, 1})), o -> o.attr("axis", 0), "i"),
                constantGather());
    }

    static Stream<Arguments> pad() {
        long[] spatial = {0, 0, 1, 2, 0, 0, 2, 1};
        return Stream.of(
                pad("opset 11 constant with value", 11, s(2, 3, 7, 9), "constant", spatial, 1.5f, null),
                pad("opset 13 constant default value", 13, s(2, 3, 7, 9), "constant", spatial, null, null),
                pad("opset 13 reflect", 13, s(2, 3, 7, 9), "reflect", new long[] {0, 0, 2, 3, 0, 0, 1, 2}, null, null),
                pad("opset 13 reflect at the limit (dim - 1)", 13, s(1, 2, 4, 5), "reflect", new long[] {0, 0, 3, 4, 0, 0, 3, 4}, null, null),
                pad("opset 13 edge wider than the input", 13, s(1, 2, 3, 4), "edge", new long[] {0, 0, 5, 1, 0, 0, 2, 6}, null, null),
                pad("opset 13 negative pads crop", 13, s(2, 3, 7, 9), "constant", new long[] {0, 0, -1, 2, 0, 0, 1, -2}, null, null),
                pad("opset 13 edge with negative pads", 13, s(2, 3, 7, 9), "edge", new long[] {0, 0, -2, 1, 0, 0, 1, -3}, null, null),
                pad("opset 13 pads on the batch dim", 13, s(2, 3, 4, 5), "constant", new long[] {1, 0, 0, 0, 2, 1, 0, 0}, -1f, null),
                pad("opset 13 reflect 3-D", 13, s(2, 3, 9), "reflect", new long[] {0, 1, 4, 0, 0, 3}, null, null),
                pad("opset 18 axes [2, 3]", 18, s(2, 3, 7, 9), "constant", new long[] {1, 2, 3, 1}, 0.5f, new long[] {2, 3}),
                pad("opset 18 axes [-1] reflect", 18, s(2, 3, 7, 9), "reflect", new long[] {2, 3}, null, new long[] {-1}),
                pad("opset 21 edge", 21, s(2, 3, 7, 9), "edge", spatial, null, null),
                padAttr("opset 7 constant with value", 7, "constant", spatial, 2.5f),
                padAttr("opset 10 reflect", 10, "reflect", new long[] {0, 0, 2, 3, 0, 0, 1, 2}, null),
                padAttr("opset 10 edge", 10, "edge", spatial, null),
                padAttr("opset 7 default mode", 7, null, new long[] {0, 1, 1, 0, 0, 0, 1, 1}, null));
    }

    private static int[] s(int... d) { return d; }

    static Arguments op(String op, String name, int opset, int[] x, Consumer<GraphBuilder> inits,
                        Consumer<GraphBuilder.Op> attrs, String... extraInputs) {
        GraphBuilder b = new GraphBuilder(opset).input("x", x);
        inits.accept(b);
        String[] ins = new String[1 + extraInputs.length];
        ins[0] = "x";
        System.arraycopy(extraInputs, 0, ins, 1, extraInputs.length);
        attrs.accept(b.op(op, ins).out("y"));
        b.output("y");
        return Arguments.of(op + " " + name, op, b);
    }

    /** Concat whose first input is a constant: the output starts with constant data, then runtime data. */
    static Arguments constantFirstConcat() {
        GraphBuilder b = new GraphBuilder(13).input("x", 2, 5, 7, 9).random("c", 2, 5, 7, 2);
        b.op("Concat", "c", "x").out("y").attr("axis", -1);
        b.output("y");
        return Arguments.of("Concat axis -1 constant first", "Concat", b);
    }

    /** Gather on constant float data folds at plan time; the folded constant then feeds a runtime Add. */
    static Arguments constantGather() {
        GraphBuilder b = new GraphBuilder(13).input("x", 2, 6).random("table", 4, 6).longs("i", 2, -1);
        b.op("Gather", "table", "i").out("g");
        b.op("Add", "x", "g").out("y");
        b.output("y");
        return Arguments.of("Gather constant data (folded)", "Gather", b);
    }

    /** Pad, opset 11+ input form; value and axes may be null (absent). */
    static Arguments pad(String name, int opset, int[] x, String mode, long[] pads, Float value, long[] axes) {
        GraphBuilder b = new GraphBuilder(opset).input("x", x).longs("pads", pads);
        String[] ins;
        if (axes != null) {
            b.longs("axes", axes);
            if (value != null) b.floatScalar("value", value);
            ins = new String[] {"x", "pads", value != null ? "value" : "", "axes"};
        } else if (value != null) {
            b.floatScalar("value", value);
            ins = new String[] {"x", "pads", "value"};
        } else {
            ins = new String[] {"x", "pads"};
        }
        GraphBuilder.Op op = b.op("Pad", ins).out("y");
        if (!mode.equals("constant") || name.contains("with value")) op.attr("mode", mode);
        b.output("y");
        return Arguments.of("Pad " + name, "Pad", b);
    }

    /** Pad, attribute form (opset < 11). */
    static Arguments padAttr(String name, int opset, String mode, long[] pads, Float value) {
        GraphBuilder b = new GraphBuilder(opset).input("x", 2, 3, 7, 9);
        GraphBuilder.Op op = b.op("Pad", "x").out("y").ints("pads", pads);
        if (mode != null) op.attr("mode", mode);
        if (value != null) op.attr("value", value.floatValue());
        b.output("y");
        return Arguments.of("Pad " + name, "Pad", b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"transpose", "concat", "gather", "pad"})
    void matchesOrtExactly(String name, String op, GraphBuilder model) throws Exception {
        OrtDiff.check(model, OrtDiff.EXACT, LOG, op);
    }
}
