package org.quantlake.core.ops;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.testutil.GraphBuilder;
import org.quantlake.core.testutil.OrtDiff;

/**
 * MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool against ONNX Runtime: strides 2 and 3, asymmetric
 * pads, ceil_mode (including windows that would start in the tail padding, which ONNX drops), count_include_pad
 * with asymmetric pads and with ceil_mode windows hanging past the padding, dilations, auto_pad, 1-D and 2-D.
 */
class PoolVsOrtTest {
    private static final OrtDiff.ErrorLog LOG = new OrtDiff.ErrorLog("Pooling");

    @AfterAll
    static void report() {
        LOG.print();
    }

    static Stream<Arguments> maxPool() {
        return Stream.of(
                pool("MaxPool", "2x2 stride 2 on 7x9", 13, x(2, 5, 7, 9), o -> o.ints("kernel_shape", 2, 2).ints("strides", 2, 2)),
                pool("MaxPool", "3x3 stride 2 pad 1", 13, x(1, 5, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1)),
                pool("MaxPool", "3x3 stride 3 asym pads", 13, x(1, 5, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("strides", 3, 3).ints("pads", 0, 2, 1, 0)),
                pool("MaxPool", "3x2 stride 1", 8, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 3, 2)),
                pool("MaxPool", "ceil_mode 3x3 s2 on 7x9", 13, x(1, 5, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("strides", 2, 2).attr("ceil_mode", 1)),
                pool("MaxPool", "ceil_mode 2x2 s2 on 7x9", 13, x(1, 5, 7, 9), o -> o.ints("kernel_shape", 2, 2).ints("strides", 2, 2).attr("ceil_mode", 1)),
                // padded 9 wide: windows at 0,2,4,6 fit; ceil adds one at 8, which starts in the tail padding: ORT drops it
                // (ONNX shape inference before onnx 1.16 still counted it: 5x5, where ORT gives 4x4)
                pool("MaxPool", "ceil_mode last window in padding", 13, x(1, 2, 7, 7), o -> o.ints("kernel_shape", 2, 2).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1).attr("ceil_mode", 1)),
                pool("MaxPool", "ceil_mode stride 3 asym pads", 13, x(1, 3, 8, 10), o -> o.ints("kernel_shape", 2, 2).ints("strides", 3, 3).ints("pads", 1, 0, 1, 1).attr("ceil_mode", 1)),
                pool("MaxPool", "ceil_mode exact fit", 13, x(1, 2, 8, 8), o -> o.ints("kernel_shape", 2, 2).ints("strides", 2, 2).attr("ceil_mode", 1)),
                pool("MaxPool", "dilation 2", 13, x(1, 3, 9, 11), o -> o.ints("kernel_shape", 3, 3).ints("dilations", 2, 2).ints("pads", 1, 2, 1, 0)),
                pool("MaxPool", "dilation 2 ceil_mode stride 2", 13, x(1, 3, 9, 10), o -> o.ints("kernel_shape", 2, 2).ints("dilations", 2, 2).ints("strides", 2, 2).attr("ceil_mode", 1)),
                pool("MaxPool", "SAME_UPPER stride 2", 13, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("strides", 2, 2).attr("auto_pad", "SAME_UPPER")),
                pool("MaxPool", "SAME_LOWER stride 2", 13, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 2, 2).ints("strides", 2, 2).attr("auto_pad", "SAME_LOWER")),
                pool("MaxPool", "SAME_UPPER stride 3", 13, x(1, 3, 7, 8), o -> o.ints("kernel_shape", 2, 2).ints("strides", 3, 3).attr("auto_pad", "SAME_UPPER")),
                // ORT sizes SAME padding from the undilated kernel (the spec would pad for the dilated one)
                pool("MaxPool", "SAME_UPPER dilation 2", 13, x(1, 3, 9, 8), o -> o.ints("kernel_shape", 3, 3).ints("dilations", 2, 2).attr("auto_pad", "SAME_UPPER")),
                pool("MaxPool", "SAME_LOWER dilation 2x3 stride 2 ceil_mode", 13, x(1, 3, 9, 11), o -> o.ints("kernel_shape", 3, 2).ints("dilations", 2, 3).ints("strides", 2, 2).attr("ceil_mode", 1).attr("auto_pad", "SAME_LOWER")),
                // ORT applies ceil_mode under VALID too (the spec's VALID formula ignores it): 4 windows on 7, not 3
                pool("MaxPool", "VALID ceil_mode", 13, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 2, 2).ints("strides", 2, 2).attr("ceil_mode", 1).attr("auto_pad", "VALID")),
                pool("MaxPool", "VALID stride 2", 13, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("strides", 2, 2).attr("auto_pad", "VALID")),
                pool("MaxPool", "1-D stride 2 ceil", 13, x(2, 3, 11), o -> o.ints("kernel_shape", 3).ints("strides", 2).ints("pads", 1, 0).attr("ceil_mode", 1)),
                pool("MaxPool", "opset 7", 7, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("strides", 2, 2)),
                pool("MaxPool", "opset 21", 21, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 1, 1, 0, 0)));
    }

    static Stream<Arguments> averagePool() {
        return Stream.of(
                pool("AveragePool", "2x2 stride 2 on 7x9", 13, x(2, 5, 7, 9), o -> o.ints("kernel_shape", 2, 2).ints("strides", 2, 2)),
                pool("AveragePool", "3x3 pad 1 exclude pad", 13, x(1, 5, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("pads", 1, 1, 1, 1)),
                pool("AveragePool", "3x3 pad 1 include pad", 13, x(1, 5, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("pads", 1, 1, 1, 1).attr("count_include_pad", 1)),
                pool("AveragePool", "asym pads exclude pad", 13, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 0, 1, 2, 2)),
                pool("AveragePool", "asym pads include pad", 13, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 0, 1, 2, 2).attr("count_include_pad", 1)),
                pool("AveragePool", "asym pads include pad 2", 13, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 3, 2).ints("strides", 1, 2).ints("pads", 2, 0, 1, 1).attr("count_include_pad", 1)),
                pool("AveragePool", "stride 3 include pad", 11, x(1, 3, 8, 10), o -> o.ints("kernel_shape", 3, 3).ints("strides", 3, 3).ints("pads", 1, 2, 1, 0).attr("count_include_pad", 1)),
                pool("AveragePool", "ceil_mode exclude pad", 13, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("strides", 2, 2).attr("ceil_mode", 1)),
                pool("AveragePool", "ceil_mode include pad, no pads", 13, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("strides", 2, 2).attr("ceil_mode", 1).attr("count_include_pad", 1)),
                pool("AveragePool", "ceil_mode include pad, asym pads", 13, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 1, 0, 0, 1).attr("ceil_mode", 1).attr("count_include_pad", 1)),
                pool("AveragePool", "ceil_mode last window in padding", 13, x(1, 2, 7, 7), o -> o.ints("kernel_shape", 2, 2).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1).attr("ceil_mode", 1).attr("count_include_pad", 1)),
                pool("AveragePool", "ceil_mode stride 3 exclude", 13, x(1, 3, 8, 10), o -> o.ints("kernel_shape", 3, 2).ints("strides", 3, 3).ints("pads", 2, 0, 1, 1).attr("ceil_mode", 1)),
                pool("AveragePool", "SAME_UPPER include pad", 13, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("strides", 2, 2).attr("auto_pad", "SAME_UPPER").attr("count_include_pad", 1)),
                pool("AveragePool", "SAME_LOWER exclude pad", 13, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 2, 2).ints("strides", 1, 1).attr("auto_pad", "SAME_LOWER")),
                pool("AveragePool", "SAME_LOWER dilation 3 include pad (opset 19)", 19, x(1, 3, 9, 10), o -> o.ints("kernel_shape", 2, 2).ints("dilations", 3, 3).attr("auto_pad", "SAME_LOWER").attr("count_include_pad", 1)),
                pool("AveragePool", "SAME_UPPER dilation 2 stride 2 ceil_mode (opset 19)", 19, x(1, 3, 9, 9), o -> o.ints("kernel_shape", 3, 3).ints("dilations", 2, 2).ints("strides", 2, 2).attr("ceil_mode", 1).attr("auto_pad", "SAME_UPPER")),
                pool("AveragePool", "VALID ceil_mode exclude pad", 13, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 2, 2).ints("strides", 2, 2).attr("ceil_mode", 1).attr("auto_pad", "VALID")),
                pool("AveragePool", "VALID ceil_mode include pad", 13, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 3, 2).ints("strides", 2, 2).attr("ceil_mode", 1).attr("auto_pad", "VALID").attr("count_include_pad", 1)),
                pool("AveragePool", "SAME_UPPER ceil_mode include pad", 13, x(1, 3, 8, 9), o -> o.ints("kernel_shape", 3, 3).ints("strides", 2, 2).attr("ceil_mode", 1).attr("auto_pad", "SAME_UPPER").attr("count_include_pad", 1)),
                pool("AveragePool", "VALID", 13, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 2, 3).ints("strides", 2, 2).attr("auto_pad", "VALID")),
                pool("AveragePool", "dilation 2 (opset 19)", 19, x(1, 3, 9, 11), o -> o.ints("kernel_shape", 3, 3).ints("dilations", 2, 2).ints("pads", 1, 1, 1, 1)),
                pool("AveragePool", "dilation 2 include pad (opset 19)", 19, x(1, 3, 9, 11), o -> o.ints("kernel_shape", 2, 2).ints("dilations", 2, 2).ints("pads", 1, 0, 1, 1).attr("count_include_pad", 1)),
                pool("AveragePool", "1-D include pad", 13, x(2, 3, 11), o -> o.ints("kernel_shape", 3).ints("strides", 2).ints("pads", 1, 2).attr("count_include_pad", 1)),
                pool("AveragePool", "1-D ceil exclude", 13, x(2, 3, 10), o -> o.ints("kernel_shape", 3).ints("strides", 2).attr("ceil_mode", 1)),
                pool("AveragePool", "opset 7 include pad", 7, x(1, 3, 7, 9), o -> o.ints("kernel_shape", 3, 3).ints("pads", 1, 0, 0, 1).attr("count_include_pad", 1)));
    }

    static Stream<Arguments> globalPool() {
        return Stream.of(
                pool("GlobalAveragePool", "7x9", 13, x(2, 5, 7, 9), o -> { }),
                pool("GlobalAveragePool", "1-D", 13, x(2, 5, 11), o -> { }),
                pool("GlobalAveragePool", "1x1", 7, x(3, 4, 1, 1), o -> { }),
                pool("GlobalMaxPool", "7x9", 13, x(2, 5, 7, 9), o -> { }));
    }

    private static int[] x(int... d) { return d; }

    static Arguments pool(String op, String name, int opset, int[] x, Consumer<GraphBuilder.Op> attrs) {
        GraphBuilder b = new GraphBuilder(opset).input("x", x);
        attrs.accept(b.op(op, "x").out("y"));
        b.output("y");
        return Arguments.of(op + " " + name, op, b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maxPool")
    void maxPoolMatchesOrtExactly(String name, String op, GraphBuilder model) throws Exception {
        OrtDiff.check(model, OrtDiff.EXACT, LOG, op);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"averagePool", "globalPool"})
    void averagingPoolsMatchOrt(String name, String op, GraphBuilder model) throws Exception {
        OrtDiff.check(model, op.equals("GlobalMaxPool") ? OrtDiff.EXACT : OrtDiff.FLOAT, LOG, op);
    }
}
