package org.quantlake.core.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.testutil.GraphBuilder;
import org.quantlake.core.testutil.OrtDiff;

/**
 * Add, Sub, Mul and Div against ONNX Runtime over numpy broadcasting shapes: per-channel [C,1,1], scalar [] and
 * [1], per-column [W], [N,1,H,1], both operands broadcasting at once, the broadcast operand first (order matters
 * for Sub and Div), and the second operand as an initializer and as a runtime input. One IEEE rounding per
 * element, the same in any engine: the results must be bit-identical.
 */
class BinaryVsOrtTest {
    private static final OrtDiff.ErrorLog LOG = new OrtDiff.ErrorLog("Binary");

    @AfterAll
    static void report() {
        LOG.print();
    }

    /** Shape pairs {A, B}. */
    private static final int[][][] SHAPES = {
            {{2, 5, 7, 9}, {2, 5, 7, 9}},
            {{2, 5, 7, 9}, {5, 1, 1}},
            {{2, 5, 7, 9}, {1}},
            {{2, 5, 7, 9}, {}},
            {{2, 5, 7, 9}, {9}},
            {{2, 5, 7, 9}, {2, 1, 7, 1}},
            {{2, 5, 7, 9}, {1, 5, 1, 9}},
            {{2, 5, 7, 9}, {7, 9}},
            {{2, 5, 7, 9}, {2, 5, 1, 1}},
            {{5, 1, 1}, {2, 5, 7, 9}},
            {{9}, {2, 5, 7, 9}},
            {{2, 1, 7, 1}, {1, 5, 1, 9}},
            {{5, 1}, {1, 9}},
            {{3, 4}, {3, 1}},
    };

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String op : new String[] {"Add", "Sub", "Mul", "Div"}) {
            for (int[][] s : SHAPES) {
                out.add(model(op, s[0], s[1], false, 13));
                out.add(model(op, s[0], s[1], true, 13));
            }
            out.add(model(op, new int[] {2, 5, 7, 9}, new int[] {5, 1, 1}, false, 7));
            out.add(model(op, new int[] {2, 5, 7, 9}, new int[] {1, 5, 1, 9}, true, 14));
        }
        return out.stream();
    }

    static Arguments model(String op, int[] a, int[] b, boolean bRuntime, int opset) {
        GraphBuilder g = new GraphBuilder(opset).input("a", a);
        if (bRuntime) g.input("b", b); else g.random("b", b);
        g.op(op, "a", "b").out("y");
        g.output("y");
        String name = op + " " + Arrays.toString(a) + " " + Arrays.toString(b) + (bRuntime ? " runtime" : " constant") + " opset " + opset;
        return Arguments.of(name, op, g);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesOrtExactly(String name, String op, GraphBuilder model) throws Exception {
        OrtDiff.check(model, OrtDiff.EXACT, LOG, op);
    }
}
