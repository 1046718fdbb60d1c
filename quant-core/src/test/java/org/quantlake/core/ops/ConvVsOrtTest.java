package org.quantlake.core.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.graph.UnsupportedOpException;
import org.quantlake.core.onnx.OnnxModelReader;
import org.quantlake.core.testutil.GraphBuilder;
import org.quantlake.core.testutil.Ort;
import org.quantlake.core.testutil.OrtDiff;

/**
 * Conv against ONNX Runtime: groups (grouped, depthwise with channel multiplier 1 and 2), dilations, strides 2 and
 * 3, asymmetric pads, auto_pad, 1-D and 2-D, with and without bias, odd sizes (7x9 images, 5 channels), and the
 * 1x1 fast path (which skips im2col) next to 1x1 convs that must not take it.
 */
class ConvVsOrtTest {
    private static final OrtDiff.ErrorLog LOG = new OrtDiff.ErrorLog("Conv");

    @AfterAll
    static void report() {
        LOG.print();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                conv("3x3 pad 1", 13, x(2, 5, 7, 9), w(4, 5, 3, 3), true, o -> o.ints("pads", 1, 1, 1, 1)),
                conv("3x3 no bias, no pads", 13, x(2, 5, 7, 9), w(4, 5, 3, 3), false, o -> { }),
                conv("asymmetric pads", 13, x(1, 5, 7, 9), w(3, 5, 3, 3), true, o -> o.ints("pads", 0, 1, 2, 3)),
                conv("kernel_shape given", 11, x(1, 5, 7, 9), w(3, 5, 3, 2), true, o -> o.ints("kernel_shape", 3, 2)),
                conv("stride 2", 13, x(2, 5, 7, 9), w(4, 5, 3, 3), true, o -> o.ints("strides", 2, 2).ints("pads", 1, 1, 1, 1)),
                conv("stride 3 asym pads", 13, x(1, 5, 7, 9), w(4, 5, 3, 3), true, o -> o.ints("strides", 3, 3).ints("pads", 2, 0, 1, 2)),
                conv("strides 2x3", 7, x(1, 3, 9, 7), w(2, 3, 2, 3), true, o -> o.ints("strides", 2, 3)),
                conv("dilation 2", 13, x(1, 5, 9, 11), w(3, 5, 3, 3), true, o -> o.ints("dilations", 2, 2).ints("pads", 2, 2, 2, 2)),
                conv("dilation 2x3 stride 2", 13, x(1, 4, 11, 13), w(3, 4, 3, 3), true, o -> o.ints("dilations", 2, 3).ints("strides", 2, 2).ints("pads", 1, 0, 0, 1)),
                conv("1x1 pointwise", 13, x(2, 5, 7, 9), w(6, 5, 1, 1), true, o -> { }),
                conv("1x1 stride 2", 13, x(2, 5, 7, 9), w(6, 5, 1, 1), true, o -> o.ints("strides", 2, 2)),
                conv("1x1 padded", 13, x(1, 5, 7, 9), w(6, 5, 1, 1), true, o -> o.ints("pads", 1, 0, 0, 1)),
                conv("1x1 grouped", 13, x(2, 6, 5, 7), w(4, 3, 1, 1), true, o -> o.attr("group", 2)),
                conv("grouped 2", 13, x(2, 6, 7, 9), w(4, 3, 3, 3), true, o -> o.attr("group", 2).ints("pads", 1, 1, 1, 1)),
                conv("grouped 3 stride 2", 13, x(1, 6, 7, 9), w(9, 2, 3, 3), true, o -> o.attr("group", 3).ints("strides", 2, 2).ints("pads", 0, 1, 1, 0)),
                conv("depthwise x1", 13, x(2, 5, 7, 9), w(5, 1, 3, 3), true, o -> o.attr("group", 5).ints("pads", 1, 1, 1, 1)),
                conv("depthwise x1 no bias", 13, x(1, 5, 7, 9), w(5, 1, 3, 3), false, o -> o.attr("group", 5)),
                conv("depthwise x1 stride 2 asym", 13, x(2, 5, 7, 9), w(5, 1, 3, 3), true, o -> o.attr("group", 5).ints("strides", 2, 2).ints("pads", 0, 1, 2, 1)),
                conv("depthwise x1 stride 3", 13, x(1, 5, 10, 11), w(5, 1, 3, 3), true, o -> o.attr("group", 5).ints("strides", 3, 3).ints("pads", 1, 1, 1, 1)),
                conv("depthwise x1 dilation 2", 13, x(1, 5, 9, 9), w(5, 1, 3, 3), true, o -> o.attr("group", 5).ints("dilations", 2, 2).ints("pads", 2, 1, 2, 3)),
                conv("depthwise x1 5x5 on 3x4", 13, x(1, 3, 3, 4), w(3, 1, 5, 5), true, o -> o.attr("group", 3).ints("pads", 2, 2, 2, 2)),
                conv("depthwise x2", 13, x(2, 5, 7, 9), w(10, 1, 3, 3), true, o -> o.attr("group", 5).ints("pads", 1, 1, 1, 1)),
                conv("depthwise x3 stride 2", 13, x(1, 5, 7, 9), w(15, 1, 3, 3), true, o -> o.attr("group", 5).ints("strides", 2, 2)),
                conv("SAME_UPPER stride 1", 13, x(1, 5, 7, 9), w(3, 5, 4, 4), true, o -> o.attr("auto_pad", "SAME_UPPER")),
                conv("SAME_LOWER stride 1", 13, x(1, 5, 7, 9), w(3, 5, 4, 4), true, o -> o.attr("auto_pad", "SAME_LOWER")),
                conv("SAME_UPPER stride 2", 13, x(1, 5, 7, 9), w(3, 5, 3, 3), true, o -> o.attr("auto_pad", "SAME_UPPER").ints("strides", 2, 2)),
                conv("SAME_LOWER stride 2", 13, x(1, 5, 7, 9), w(3, 5, 2, 2), true, o -> o.attr("auto_pad", "SAME_LOWER").ints("strides", 2, 2)),
                conv("SAME_UPPER stride 3", 13, x(1, 5, 7, 9), w(3, 5, 3, 3), true, o -> o.attr("auto_pad", "SAME_UPPER").ints("strides", 3, 3)),
                conv("SAME_LOWER stride 3", 13, x(1, 5, 8, 10), w(3, 5, 5, 5), true, o -> o.attr("auto_pad", "SAME_LOWER").ints("strides", 3, 3)),
                conv("SAME_UPPER depthwise", 13, x(1, 5, 7, 9), w(5, 1, 2, 2), true, o -> o.attr("auto_pad", "SAME_UPPER").attr("group", 5)),
                conv("SAME_LOWER depthwise stride 2", 13, x(1, 5, 7, 9), w(5, 1, 4, 4), true, o -> o.attr("auto_pad", "SAME_LOWER").attr("group", 5).ints("strides", 2, 2)),
                conv("VALID", 13, x(1, 5, 7, 9), w(3, 5, 3, 3), true, o -> o.attr("auto_pad", "VALID")),
                conv("VALID stride 2", 13, x(1, 5, 7, 9), w(3, 5, 2, 3), true, o -> o.attr("auto_pad", "VALID").ints("strides", 2, 2)),
                conv("1-D", 13, x(2, 5, 11), w(3, 5, 3), true, o -> o.ints("pads", 1, 2)),
                conv("1-D stride 2 dilation 2", 13, x(1, 5, 13), w(3, 5, 3), true, o -> o.ints("strides", 2).ints("dilations", 2).ints("pads", 0, 1)),
                conv("1-D depthwise", 13, x(1, 5, 11), w(5, 1, 3), true, o -> o.attr("group", 5).ints("pads", 1, 1)),
                conv("1-D SAME_UPPER stride 3", 13, x(1, 4, 10), w(2, 4, 4), true, o -> o.attr("auto_pad", "SAME_UPPER").ints("strides", 3)),
                conv("kernel covers padded input", 13, x(1, 2, 3, 3), w(2, 2, 5, 5), true, o -> o.ints("pads", 1, 1, 1, 1)),
                conv("opset 7", 7, x(1, 5, 7, 9), w(4, 5, 3, 3), true, o -> o.ints("pads", 1, 0, 1, 0)),
                conv("opset 21", 21, x(1, 5, 7, 9), w(4, 5, 3, 3), true, o -> o.ints("pads", 1, 0, 1, 0).ints("strides", 2, 1)));
    }

    private static int[] x(int... d) { return d; }

    private static int[] w(int... d) { return d; }

    static Arguments conv(String name, int opset, int[] x, int[] w, boolean bias, Consumer<GraphBuilder.Op> attrs) {
        GraphBuilder b = new GraphBuilder(opset).input("x", x).random("w", w);
        if (bias) b.random("b", w[0]);
        GraphBuilder.Op op = bias ? b.op("Conv", "x", "w", "b") : b.op("Conv", "x", "w");
        attrs.accept(op.out("y"));
        b.output("y");
        return Arguments.of(name, b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesOrt(String name, GraphBuilder model) throws Exception {
        OrtDiff.check(model, OrtDiff.FLOAT, LOG, "Conv");
    }

    /** ORT refuses auto_pad SAME with dilations on Conv; we refuse it at load time, naming the node. */
    @Test
    void sameWithDilationsIsRefusedLikeOrt() {
        GraphBuilder b = (GraphBuilder) conv("", 13, x(1, 2, 7, 9), w(3, 2, 3, 3), false,
                o -> o.name("dilated").attr("auto_pad", "SAME_UPPER").ints("dilations", 2, 2)).get()[1];
        byte[] bytes = b.bytes();
        assertThrows(OrtException.class, () -> {
            try (Ort ort = new Ort(bytes)) {
                ort.run(new float[2 * 7 * 9], new long[] {1, 2, 7, 9});
            }
        });
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> OnnxModelReader.read(bytes, "m", null));
        assertTrue(e.getMessage().contains("'dilated'") && e.getMessage().contains("SAME_UPPER")
                && e.getMessage().contains("dilations"), e.getMessage());
    }
}
