package org.quantlake.core.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.testutil.GraphBuilder;
import org.quantlake.core.testutil.OrtDiff;

/**
 * Gemm against ONNX Runtime: every transA x transB x alpha (1, 0.5) x beta (1, 0.25, 0) x C-shape combination
 * (no C, scalar, [1], [N], [1, N], [M, 1], [M, N]), and B and C as runtime inputs as well as initializers
 * (different code paths: a constant B is transposed once, at plan time), across opsets.
 */
class GemmVsOrtTest {
    private static final OrtDiff.ErrorLog LOG = new OrtDiff.ErrorLog("Gemm");
    private static final int M = 3;
    private static final int K = 5;
    private static final int N = 4;

    @AfterAll
    static void report() {
        LOG.print();
    }

    static Stream<Arguments> cases() {
        int[][] cShapes = {null, {}, {1}, {N}, {1, N}, {M, 1}, {M, N}};
        List<Arguments> out = new ArrayList<>();
        for (int ta = 0; ta < 2; ta++) {
            for (int tb = 0; tb < 2; tb++) {
                for (float alpha : new float[] {1f, 0.5f}) {
                    for (int[] c : cShapes) {
                        // beta 0 must ignore C entirely; without C beta has nothing to scale
                        for (float beta : c == null ? new float[] {1f} : new float[] {1f, 0.25f, 0f}) {
                            out.add(gemm(ta, tb, alpha, beta, c, false, false, 13));
                        }
                    }
                }
            }
        }
        out.add(gemm(0, 0, 1f, 1f, new int[] {N}, true, false, 13));
        out.add(gemm(0, 1, 1f, 1f, new int[] {N}, true, false, 13));
        out.add(gemm(1, 1, 0.5f, 2f, new int[] {M, N}, true, true, 13));
        out.add(gemm(1, 0, 1f, 0.5f, new int[] {1, N}, true, true, 13));
        out.add(gemm(0, 1, 1f, 1f, new int[] {M, 1}, false, true, 13));
        out.add(gemm(0, 1, 1f, 1f, new int[] {N}, false, false, 7));
        out.add(gemm(1, 0, 2f, 1f, new int[] {M, N}, false, false, 9));
        out.add(gemm(0, 0, 1f, 1f, null, false, false, 11));
        out.add(gemm(0, 1, 1f, 1f, new int[] {N}, false, false, 21));
        return out.stream();
    }

    static Arguments gemm(int ta, int tb, float alpha, float beta, int[] cShape, boolean bRuntime, boolean cRuntime, int opset) {
        GraphBuilder b = new GraphBuilder(opset);
        b.input("a", ta == 1 ? new int[] {K, M} : new int[] {M, K});
        int[] bShape = tb == 1 ? new int[] {N, K} : new int[] {K, N};
        if (bRuntime) b.input("b", bShape); else b.random("b", bShape);
        List<String> ins = new ArrayList<>(List.of("a", "b"));
        if (cShape != null) {
            if (cRuntime) b.input("c", cShape); else b.random("c", cShape);
            ins.add("c");
        }
        GraphBuilder.Op op = b.op("Gemm", ins.toArray(new String[0])).out("y");
        if (ta == 1) op.attr("transA", 1);
        if (tb == 1) op.attr("transB", 1);
        if (alpha != 1f) op.attr("alpha", alpha);
        if (beta != 1f) op.attr("beta", beta);
        b.output("y");
        String name = "opset " + opset + " transA=" + ta + " transB=" + tb + " alpha=" + alpha + " beta=" + beta
                + " C=" + (cShape == null ? "none" : java.util.Arrays.toString(cShape)) + (bRuntime ? " B runtime" : "")
                + (cRuntime ? " C runtime" : "");
        return Arguments.of(name, b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesOrt(String name, GraphBuilder model) throws Exception {
        OrtDiff.check(model, OrtDiff.FLOAT, LOG, "Gemm");
    }
}
