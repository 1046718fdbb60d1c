package org.quantlake.core.ops;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.testutil.GraphBuilder;
import org.quantlake.core.testutil.OrtDiff;

/**
 * MatMul against ONNX Runtime with numpy semantics: 2-D, batch dims broadcast both ways (including a size-1 batch
 * on either side and a rank difference), 1-D operands on either or both sides, and B both constant (the
 * one-GEMM fast path when B is 2-D) and runtime.
 */
class MatMulVsOrtTest {
    private static final OrtDiff.ErrorLog LOG = new OrtDiff.ErrorLog("MatMul");

    @AfterAll
    static void report() {
        LOG.print();
    }

    /** Shape pairs {A, B}; each runs with B constant and with B a runtime input. */
    private static final int[][][] SHAPES = {
            {{3, 5}, {5, 4}},
            {{2, 3, 5}, {5, 4}},
            {{2, 3, 3, 5}, {5, 4}},
            {{2, 3, 5}, {2, 5, 4}},
            {{1, 3, 5}, {4, 5, 2}},
            {{4, 3, 5}, {1, 5, 2}},
            {{2, 1, 3, 5}, {3, 5, 2}},
            {{3, 5}, {2, 5, 4}},
            {{2, 3, 1, 5}, {2, 1, 5, 3}},
            {{5}, {5, 4}},
            {{5}, {2, 5, 4}},
            {{3, 5}, {5}},
            {{2, 3, 5}, {5}},
            {{5}, {5}},
            {{1, 5}, {5, 1}},
            {{7, 1}, {1, 6}},
    };

    static Stream<Arguments> cases() {
        return Arrays.stream(SHAPES).flatMap(p -> Stream.of(model(p[0], p[1], false), model(p[0], p[1], true)));
    }

    static Arguments model(int[] a, int[] b, boolean bRuntime) {
        GraphBuilder g = new GraphBuilder(13).input("a", a);
        if (bRuntime) g.input("b", b); else g.random("b", b);
        g.op("MatMul", "a", "b").out("y");
        g.output("y");
        return Arguments.of(Arrays.toString(a) + " x " + Arrays.toString(b) + (bRuntime ? " (B runtime)" : " (B constant)"), g);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesOrt(String name, GraphBuilder model) throws Exception {
        OrtDiff.check(model, OrtDiff.FLOAT, LOG, "MatMul");
    }
}
