package org.quantlake.core.ops;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.testutil.GraphBuilder;
import org.quantlake.core.testutil.OrtDiff;

/**
 * The shape arithmetic PyTorch exports before a Reshape (Shape -> Gather -> Unsqueeze -> Concat -> Reshape, with
 * Constant nodes, Slice, Cast and integer Mul/Div in between), which our plan folds to constants, against ONNX
 * Runtime, which computes it at run time. Each chain runs at its declared batch of 1 and then batched (batch 3
 * on the same compiled model): the folded shape must follow the plan's batch, not the exported one.
 */
class ShapeFoldingVsOrtTest {
    private static final OrtDiff.ErrorLog LOG = new OrtDiff.ErrorLog("Shape folding");

    @AfterAll
    static void report() {
        LOG.print();
    }

    static Stream<Arguments> chains() {
        return Stream.of(
                Arguments.of("x.view(x.size(0), -1), opset 11", viewBatchFlat(11)),
                Arguments.of("x.view(x.size(0), -1), opset 13", viewBatchFlat(13)),
                Arguments.of("x.view(x.size(0), -1), opset 9", viewBatchFlat(9)),
                Arguments.of("x.view(b, c, h * w), opset 13", viewMergeHw(13)),
                Arguments.of("x.view(b, c, h * w), opset 11", viewMergeHw(11)),
                Arguments.of("channel shuffle (Div), opset 13", channelShuffle(13)),
                Arguments.of("Shape start/end -> Concat, opset 15", shapeSlice(15)),
                Arguments.of("Shape -> Slice -> Concat, opset 13", shapeSliceOp(13)),
                Arguments.of("Shape -> Slice attribute form, opset 9", shapeSliceOp(9)),
                Arguments.of("Shape -> Cast -> Reshape, opset 13", shapeCast(13)),
                Arguments.of("float Constant arithmetic, opset 13", floatConstants(13)));
    }

    /** Constant node holding a 1-D INT64 tensor (PyTorch exports these rather than initializers). */
    private static void constant(GraphBuilder b, String out, long... v) {
        b.op("Constant").out(out).attr("value", TensorData.ofLongs(new int[] {v.length}, v));
    }

    private static void constantScalar(GraphBuilder b, String out, long v) {
        b.op("Constant").out(out).attr("value", TensorData.ofLongs(new int[0], new long[] {v}));
    }

    /** Unsqueeze(axes=[0]) in the form of the opset. */
    private static void unsqueeze0(GraphBuilder b, String in, String out) {
        if (b.opset() >= 13) {
            constant(b, out + "_axes", 0);
            b.op("Unsqueeze", in, out + "_axes").out(out);
        } else {
            b.op("Unsqueeze", in).out(out).ints("axes", 0);
        }
    }

    /** x -> Relu -> Reshape(x, [N, -1]) with N read from Shape(x): what torch.flatten / view exports. */
    static GraphBuilder viewBatchFlat(int opset) {
        GraphBuilder b = new GraphBuilder(opset).input("x", 1, 5, 7, 9);
        b.op("Relu", "x").out("r");
        b.op("Shape", "r").out("s");
        constantScalar(b, "i0", 0);
        b.op("Gather", "s", "i0").out("n").attr("axis", 0);
        unsqueeze0(b, "n", "n1");
        constant(b, "minus1", -1);
        b.op("Concat", "n1", "minus1").out("target").attr("axis", 0);
        b.op("Reshape", "r", "target").out("y");
        return b.output("y");
    }

    /** Reshape(x, [N, C, H * W]): three Gathers, an integer Mul, Unsqueezes and a Concat. */
    static GraphBuilder viewMergeHw(int opset) {
        GraphBuilder b = new GraphBuilder(opset).input("x", 1, 5, 7, 9);
        b.op("Shape", "x").out("s");
        for (int i = 0; i < 4; i++) {
            constantScalar(b, "i" + i, i);
            b.op("Gather", "s", "i" + i).out("d" + i).attr("axis", 0);
        }
        b.op("Mul", "d2", "d3").out("hw");
        unsqueeze0(b, "d0", "u0");
        unsqueeze0(b, "d1", "u1");
        unsqueeze0(b, "hw", "u2");
        b.op("Concat", "u0", "u1", "u2").out("target").attr("axis", 0);
        b.op("Reshape", "x", "target").out("v");
        b.op("Softmax", "v").out("y").attr("axis", opset >= 13 ? -1 : 2);
        return b.output("y");
    }

    /** ShuffleNet's channel shuffle: Reshape to [N, g, C/g, H, W], Transpose, Reshape back; C/g by integer Div. */
    static GraphBuilder channelShuffle(int opset) {
        int groups = 3;
        GraphBuilder b = new GraphBuilder(opset).input("x", 1, 6, 5, 7);
        b.op("Shape", "x").out("s");
        for (int i = 0; i < 4; i++) {
            constantScalar(b, "i" + i, i);
            b.op("Gather", "s", "i" + i).out("d" + i).attr("axis", 0);
            unsqueeze0(b, "d" + i, "u" + i);
        }
        constant(b, "g", groups);
        b.op("Div", "u1", "g").out("cg");
        b.op("Concat", "u0", "g", "cg", "u2", "u3").out("t5").attr("axis", 0);
        b.op("Reshape", "x", "t5").out("r5");
        b.op("Transpose", "r5").out("tr").ints("perm", 0, 2, 1, 3, 4);
        b.op("Concat", "u0", "u1", "u2", "u3").out("t4").attr("axis", 0);
        b.op("Reshape", "tr", "t4").out("y");
        return b.output("y");
    }

    /** Opset 15 Shape with start/end picks the leading dims directly. */
    static GraphBuilder shapeSlice(int opset) {
        GraphBuilder b = new GraphBuilder(opset).input("x", 1, 5, 7, 9);
        b.op("Shape", "x").out("nc").attr("start", 0).attr("end", -2);
        constant(b, "minus1", -1);
        b.op("Concat", "nc", "minus1").out("target").attr("axis", 0);
        b.op("Reshape", "x", "target").out("y");
        return b.output("y");
    }

    /** Shape -> Slice(dims 0..2) -> Concat [.., -1] -> Reshape, Slice in the form of the opset. */
    static GraphBuilder shapeSliceOp(int opset) {
        GraphBuilder b = new GraphBuilder(opset).input("x", 1, 5, 7, 9);
        b.op("Shape", "x").out("s");
        if (opset >= 10) {
            constant(b, "st", 0);
            constant(b, "en", 2);
            constant(b, "ax", 0);
            b.op("Slice", "s", "st", "en", "ax").out("nc");
        } else {
            b.op("Slice", "s").out("nc").ints("starts", 0).ints("ends", 2).ints("axes", 0);
        }
        constant(b, "minus1", -1);
        b.op("Concat", "nc", "minus1").out("target").attr("axis", 0);
        b.op("Reshape", "x", "target").out("y");
        return b.output("y");
    }

    /** Reshape target passed through Cast(to=INT64), as exports that compute shapes in other int types do. */
    static GraphBuilder shapeCast(int opset) {
        GraphBuilder b = new GraphBuilder(opset).input("x", 1, 5, 7, 9);
        b.op("Shape", "x").out("s");
        constantScalar(b, "i0", 0);
        b.op("Gather", "s", "i0").out("n").attr("axis", 0);
        unsqueeze0(b, "n", "n1");
        b.op("Cast", "n1").out("n32").attr("to", 6);  // INT32
        b.init("rest", TensorData.ofInts(new int[] {2}, new int[] {35, -1}));
        b.op("Concat", "n32", "rest").out("t32").attr("axis", 0);
        b.op("Cast", "t32").out("target").attr("to", 7);  // INT64
        b.op("Reshape", "x", "target").out("y");
        return b.output("y");
    }

    /** Float constants combined by arithmetic (folded by running the step once), then applied to the input. */
    static GraphBuilder floatConstants(int opset) {
        GraphBuilder b = new GraphBuilder(opset).input("x", 1, 5, 7, 9).random("scale", 5, 1, 1).random("shift", 5, 1, 1);
        b.op("Constant").out("two").attr("value", TensorData.scalar(2f));
        b.op("Mul", "scale", "two").out("s2");
        b.op("Sub", "shift", "s2").out("d");
        b.op("Mul", "x", "s2").out("m");
        b.op("Add", "m", "d").out("y");
        return b.output("y");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void matchesOrtAtDeclaredBatch(String name, GraphBuilder model) throws Exception {
        OrtDiff.check(model, OrtDiff.FLOAT, LOG, "chain, batch 1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void matchesOrtBatched(String name, GraphBuilder model) throws Exception {
        OrtDiff.checkBatched(model, 3, OrtDiff.FLOAT, LOG, "chain, batch 3");
    }
}
