package org.quantlake.core.onnx;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.ModelException;
import org.quantlake.core.graph.UnsupportedOpException;
import org.quantlake.core.onnx.proto.Onnx.AttributeProto;
import org.quantlake.core.onnx.proto.Onnx.ModelProto;
import org.quantlake.core.onnx.proto.Onnx.NodeProto;
import org.quantlake.core.onnx.proto.Onnx.StringStringEntryProto;
import org.quantlake.core.onnx.proto.Onnx.TensorProto;
import org.quantlake.core.onnx.proto.Onnx.TensorShapeProto;
import org.quantlake.core.testutil.GraphBuilder;

/**
 * The reader and plan compiler against broken and malicious models. Every refusal must be a {@link ModelException}
 * (never an OutOfMemoryError or a stray runtime exception) whose message names the source and what is wrong: the
 * tensor, node, value, op, domain or opset involved. Assertions are on message contents.
 */
class HostileModelTest {
    private static final String SRC = "hostile.onnx";

    /** Reads bytes that must be refused; the message must name the source. */
    private static ModelException refused(byte[] bytes) {
        ModelException e = assertThrows(ModelException.class, () -> OnnxModelReader.read(bytes, SRC, null));
        assertTrue(e.getMessage().contains(SRC), "message should name the source: " + e.getMessage());
        return e;
    }

    private static void assertMentions(Throwable e, String... fragments) {
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message should mention \"" + f + "\": " + e.getMessage());
    }

    /** A small valid CNN: Conv (weights + bias) -> Relu -> GlobalAveragePool -> Flatten -> Gemm. */
    static GraphBuilder validModel() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 3, 8, 8).random("w", 4, 3, 3, 3).random("b", 4)
                .random("fc", 4, 5).random("fcb", 5);
        b.op("Conv", "x", "w", "b").name("conv").out("c").ints("pads", 1, 1, 1, 1);
        b.op("Relu", "c").name("relu").out("r");
        b.op("GlobalAveragePool", "r").name("gap").out("g");
        b.op("Flatten", "g").name("flat").out("f");
        b.op("Gemm", "f", "fc", "fcb").name("fc").out("y");
        return b.output("y");
    }

    /** Many ops with shape-bearing attributes and constant inputs, for the bit-flip search. */
    static GraphBuilder manyOps() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 4, 9, 9).random("w", 4, 2, 3, 3).random("b", 4)
                .longs("pads", 0, 0, 1, 0, 0, 0, 0, 1).longs("shape", 1, 4, -1).longs("idx", 2, -1).longs("axes", 1)
                .random("fc", 36, 3);
        b.op("Conv", "x", "w", "b").name("conv").out("c").attr("group", 2).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1);
        b.op("Pad", "c", "pads").name("pad").out("p").attr("mode", "reflect");
        b.op("MaxPool", "p").name("pool").out("m").ints("kernel_shape", 2, 2).ints("strides", 2, 2).attr("ceil_mode", 1);
        b.op("Reshape", "m", "shape").name("reshape").out("r");
        b.op("Transpose", "r").name("transpose").out("t").ints("perm", 0, 2, 1);
        b.op("Gather", "t", "idx").name("gather").out("g").attr("axis", 2);
        b.op("Concat", "g", "g").name("concat").out("cat").attr("axis", -1);
        b.op("Unsqueeze", "cat", "axes").name("unsqueeze").out("sq");
        b.op("Softmax", "sq").name("softmax").out("s");
        b.op("Flatten", "s").name("flatten").out("f");
        b.op("Gemm", "f", "fc").name("fc").out("y").attr("alpha", 0.5f);
        return b.output("y");
    }

    private static ModelProto.Builder proto(GraphBuilder b) {
        return OnnxModelWriter.toProto(b.build()).toBuilder();
    }

    @Test
    void unmutatedModelsLoadAndRun() {
        Graph g = OnnxModelReader.read(validModel().bytes(), SRC, null);
        assertEquals(5, g.nodes().size());
        CompiledModel m = new CompiledModel(OnnxModelReader.read(manyOps().bytes(), SRC, null));
        assertEquals(3, m.newSession().run(new float[4 * 9 * 9], 1).length);
    }

    // ---- not a model at all

    @Test
    void emptyFile() {
        assertMentions(refused(new byte[0]), "empty file");
    }

    @Test
    void truncatedAtEveryLengthSaysTruncated() {
        byte[] model = validModel().bytes();
        for (int cut = 1; cut < model.length; cut++) {
            byte[] part = Arrays.copyOf(model, cut);
            ModelException e = assertThrows(ModelException.class, () -> OnnxModelReader.read(part, SRC, null), "cut at " + cut);
            assertTrue(e.getMessage().contains(SRC) && e.getMessage().contains("truncated"),
                    "cut at " + cut + " of " + model.length + ": " + e.getMessage());
        }
    }

    static Stream<Arguments> lookalikes() {
        return Stream.of(
                Arguments.of("PNG", bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13), "PNG image"),
                Arguments.of("JPEG", bytes(0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F'), "JPEG image"),
                Arguments.of("zip (a .pt checkpoint)", bytes('P', 'K', 3, 4, 20, 0, 0, 0, 8, 0), "zip archive"),
                Arguments.of("gzip", bytes(0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3), "gzip"),
                Arguments.of("pickle", bytes(0x80, 2, ']', 'q', 0), "pickle"),
                Arguments.of("JSON text", "{\"model\": \"resnet\"}".getBytes(StandardCharsets.UTF_8), "text file"),
                Arguments.of("XML text", "<?xml version=\"1.0\"?><a/>".getBytes(StandardCharsets.UTF_8), "text file"),
                Arguments.of("plain text", "this is not a model\n".getBytes(StandardCharsets.UTF_8), "ONNX model"),
                Arguments.of("Parquet", bytes('P', 'A', 'R', '1', 0, 0, 0, 0), "Parquet"));
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lookalikes")
    void wrongMagicIsNamed(String what, byte[] bytes, String expected) {
        ModelException e = refused(bytes);
        assertMentions(e, "not", expected);
    }

    @Test
    void randomBytesAreRefused() {
        Random r = new Random(1);
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[1 + r.nextInt(4096)];
            r.nextBytes(b);
            ModelException e = assertThrows(ModelException.class, () -> OnnxModelReader.read(b, SRC, null), "random blob " + i);
            assertTrue(e.getMessage().contains(SRC), e.getMessage());
        }
    }

    /**
     * Flipped bits in a valid model: each mutant either loads, compiles and runs, or is refused with a
     * ModelException; anything else (an index error, an overflow, an OutOfMemoryError) is a bug in the reader,
     * the plan compiler or an op's shape logic.
     */
    @ParameterizedTest
    @ValueSource(strings = {"validModel", "manyOps"})
    void flippedBitsLoadAndRunOrAreRefusedCleanly(String which) {
        byte[] model = (which.equals("manyOps") ? manyOps() : validModel()).bytes();
        // -Dql.fuzz.seed / -Dql.fuzz.mutants widen the search locally; the defaults keep the suite fast and fixed
        Random r = new Random(Long.getLong("ql.fuzz.seed", 2));
        int ran = 0;
        int mutants = Integer.getInteger("ql.fuzz.mutants", 600);
        for (int i = 0; i < mutants; i++) {
            byte[] m = model.clone();
            for (int k = 1 + r.nextInt(3); k > 0; k--) m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
            try {
                CompiledModel cm = new CompiledModel(OnnxModelReader.read(m, SRC, null));
                Map<String, float[]> in = new HashMap<>();
                for (var v : cm.graph().inputs()) in.put(v.name(), new float[cm.sampleSize(v.name())]);
                cm.newSession().run(in, 1);
                ran++;
            } catch (ModelException expected) {
                // refused cleanly
            } catch (RuntimeException | OutOfMemoryError e) {
                throw new AssertionError("mutant " + i + " threw " + e, e);
            }
        }
        System.out.println("bit-flip mutants of " + which + ": " + ran + " of " + mutants + " still load and run; the rest were refused");
    }

    @ParameterizedTest
    @ValueSource(longs = {13, 99})
    void irVersionNewerThanSupported(long ir) {
        byte[] bytes = proto(validModel()).setIrVersion(ir).build().toByteArray();
        assertMentions(refused(bytes), "IR version " + ir, "newer");
    }

    // ---- tensors that lie about their size

    @Test
    void initializerDimOf2To40IsRefusedWithoutAllocating() {
        ModelProto.Builder m = proto(validModel());
        TensorProto w = TensorProto.newBuilder().setName("huge").setDataType(1).addDims(1L << 40)
                .setRawData(ByteString.copyFrom(new byte[16])).build();
        m.getGraphBuilder().addInitializer(w);
        assertMentions(refused(m.build().toByteArray()), "initializer 'huge'", "1099511627776", "2^31-1");
    }

    @Test
    void initializerDimsWhoseProductOverflowsAreRefused() {
        ModelProto.Builder m = proto(validModel());
        m.getGraphBuilder().addInitializer(TensorProto.newBuilder().setName("cube").setDataType(1)
                .addDims(1L << 20).addDims(1L << 20).addDims(1L << 20).build());
        assertMentions(refused(m.build().toByteArray()), "initializer 'cube'", "more than 2^31-1 elements");
    }

    @Test
    void constantNodeTensorWithHugeDimsIsRefused() {
        ModelProto.Builder m = proto(validModel());
        var attr = AttributeProto.newBuilder().setName("value")
                .setType(AttributeProto.AttributeType.TENSOR)
                .setT(TensorProto.newBuilder().setDataType(7).addDims(1L << 40));
        m.getGraphBuilder().addNode(NodeProto.newBuilder().setName("k")
                .setOpType("Constant").addOutput("kv").addAttribute(attr));
        assertMentions(refused(m.build().toByteArray()), "node 'k' attribute 'value'", "1099511627776");
    }

    @Test
    void graphInputDimOf2To40IsRefused() {
        ModelProto.Builder m = proto(validModel());
        m.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .setDim(2, TensorShapeProto.Dimension.newBuilder().setDimValue(1L << 40));
        assertMentions(refused(m.build().toByteArray()), "input 'x'", "1099511627776");
    }

    @Test
    void graphInputWhoseElementCountOverflowsIsRefusedAtPlanTime() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 1 << 16, 1 << 16, 1 << 16);
        b.op("Relu", "x").name("relu").out("y");
        CompiledModel m = new CompiledModel(OnnxModelReader.read(b.output("y").bytes(), SRC, null));
        ModelException e = assertThrows(ModelException.class, () -> m.plan(1));
        assertMentions(e, "'x'", "2^31-1");
    }

    @Test
    void intermediateWhoseElementCountOverflowsIsRefusedNamingTheNode() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 4, 8, 8).longs("pads", 0, 0, 1 << 15, 1 << 15, 0, 0, 1 << 15, 1 << 15);
        b.op("Pad", "x", "pads").name("bigpad").out("y");
        CompiledModel m = new CompiledModel(OnnxModelReader.read(b.output("y").bytes(), SRC, null));
        ModelException e = assertThrows(ModelException.class, () -> m.plan(1));
        assertMentions(e, "'bigpad'", "2^31-1");
    }

    @Test
    void activationsLargerThanTheHeapAreRefusedNotAllocated() {
        // two tensors of 2 x 32768 x 32767 floats (~8.6 GB each): a ModelException, not an OutOfMemoryError
        assumeTrue(Runtime.getRuntime().maxMemory() < 16L << 30, "heap too large for this check");
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 2, 32768, 32767);
        b.op("Relu", "x").name("relu").out("y");
        CompiledModel m = new CompiledModel(OnnxModelReader.read(b.output("y").bytes(), SRC, null));
        ModelException e = assertThrows(ModelException.class, () -> m.plan(1));
        assertMentions(e, "heap", "GiB");
    }

    @Test
    void rawDataShorterThanDims() {
        ModelProto.Builder m = proto(validModel());
        for (TensorProto.Builder t : m.getGraphBuilder().getInitializerBuilderList()) {
            if (t.getName().equals("w")) t.setRawData(t.getRawData().substring(0, 100));
        }
        assertMentions(refused(m.build().toByteArray()), "initializer 'w'", "432 bytes", "found 100");
    }

    @Test
    void typedDataShorterThanDims() {
        ModelProto.Builder m = proto(validModel());
        m.getGraphBuilder().addInitializer(TensorProto.newBuilder().setName("short").setDataType(1).addDims(3).addDims(4)
                .addFloatData(1f).addFloatData(2f).build());
        assertMentions(refused(m.build().toByteArray()), "initializer 'short'", "12", "found 2");
    }

    @Test
    void externalDataIsRefusedWhenReadFromBytes() {
        ModelProto.Builder m = proto(validModel());
        m.getGraphBuilder().addInitializer(TensorProto.newBuilder().setName("ext").setDataType(1).addDims(4)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin")).build());
        assertMentions(refused(m.build().toByteArray()), "initializer 'ext'", "external");
    }

    @Test
    void externalDataOutsideTheModelFolderIsRefused(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("secret.bin"), new byte[16]);
        Path sub = Files.createDirectory(dir.resolve("model"));
        ModelProto.Builder m = proto(validModel());
        m.getGraphBuilder().addInitializer(TensorProto.newBuilder().setName("ext").setDataType(1).addDims(4)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("../secret.bin")).build());
        Path file = sub.resolve("m.onnx");
        Files.write(file, m.build().toByteArray());
        ModelException e = assertThrows(ModelException.class, () -> OnnxModelReader.read(file));
        assertMentions(e, "initializer 'ext'", "outside the model's folder");
    }

    // ---- graphs that are not DAGs of known values

    @Test
    void twoNodeCycleNamesBothNodes() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 4);
        b.op("Add", "x", "v2").name("first").out("v1");
        b.op("Relu", "v1").name("second").out("v2");
        assertMentions(refused(b.output("v2").bytes()), "cycle", "'first'", "'second'");
    }

    @Test
    void cycleBehindAValidPrefixNamesOnlyTheCycle() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 4);
        b.op("Relu", "x").name("prefix").out("p");
        b.op("Add", "p", "c3").name("c1").out("a");
        b.op("Relu", "a").name("c2").out("b");
        b.op("Relu", "b").name("c3node").out("c3");
        b.op("Relu", "c3").name("after").out("y");
        ModelException e = refused(b.output("y").bytes());
        assertMentions(e, "cycle", "'c1'", "'c2'", "'c3node'");
        assertTrue(!e.getMessage().contains("'prefix'") && !e.getMessage().contains("'after'"), e.getMessage());
    }

    @Test
    void selfLoopNamesTheNode() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 4);
        b.op("Add", "x", "loop").name("ouroboros").out("loop");
        assertMentions(refused(b.output("loop").bytes()), "cycle", "'ouroboros'");
    }

    @Test
    void missingInitializerNamesNodeAndValue() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 3, 8, 8);
        b.op("Conv", "x", "weights_gone").name("conv1").out("y");
        assertMentions(refused(b.output("y").bytes()), "'conv1'", "'weights_gone'", "missing initializer");
    }

    @Test
    void valueProducedByTwoNodesNamesBoth() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 4);
        b.op("Relu", "x").name("one").out("y");
        b.op("Sigmoid", "x").name("two").out("y");
        assertMentions(refused(b.output("y").bytes()), "'y'", "produced twice", "'one'", "'two'");
    }

    @Test
    void graphOutputListedTwiceIsRefused() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 4);
        b.op("Relu", "x").name("one").out("y");
        assertMentions(refused(b.output("y", "y").bytes()), "graph output 'y'", "twice");
    }

    @Test
    void graphInputListedTwiceIsRefused() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 4);
        b.op("Relu", "x").name("one").out("y");
        ModelProto.Builder m = proto(b.output("y"));
        m.getGraphBuilder().addInput(m.getGraphBuilder().getInput(0));
        assertMentions(refused(m.build().toByteArray()), "graph input 'x'", "twice");
    }

    @Test
    void nodeOverwritingAGraphInputIsRefused() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 4);
        b.op("Relu", "x").name("clobber").out("x");
        assertMentions(refused(b.output("x").bytes()), "'x'", "produced twice", "'clobber'");
    }

    // ---- ops and opsets this build does not run

    @Test
    void unsupportedOpNamesNodeOpDomainAndOpset() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 4);
        b.op("Relu", "x").name("ok").out("r");
        b.op("Erf", "r").name("mystery").out("y");
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> OnnxModelReader.read(b.output("y").bytes(), SRC, null));
        assertMentions(e, "'mystery'", "op Erf", "domain ai.onnx", "opset 13");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 6, 22, 100})
    void opsetOutsideSevenToTwentyOne(int opset) {
        GraphBuilder b = new GraphBuilder(opset).input("x", 1, 4);
        b.op("Relu", "x").out("y");
        assertMentions(refused(b.output("y").bytes()), "opset " + opset, "7 to 21");
    }

    @Test
    void missingOpsetImportIsRefused() {
        ModelProto.Builder m = proto(validModel()).clearOpsetImport();
        assertMentions(refused(m.build().toByteArray()), "opset_import");
    }

    @Test
    void opFromAnImportedCustomDomainNamesTheDomain() {
        GraphBuilder b = new GraphBuilder(13).importDomain("com.example", 3).input("x", 1, 4);
        b.op("Relu", "x").name("custom").domain("com.example").out("y");
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> OnnxModelReader.read(b.output("y").bytes(), SRC, null));
        assertMentions(e, "'custom'", "com.example.Relu", "domain com.example", "opset 3");
    }

    @Test
    void opFromADomainNotImportedNamesTheDomain() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 4);
        b.op("FusedConv", "x").name("ms").domain("com.microsoft").out("y");
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> OnnxModelReader.read(b.output("y").bytes(), SRC, null));
        assertMentions(e, "'ms'", "FusedConv", "domain com.microsoft");
    }

    @Test
    void dropoutMaskReadByANodeIsRefused() {
        GraphBuilder b = new GraphBuilder(12).input("x", 1, 4);
        b.op("Dropout", "x").name("drop").out("y", "mask");
        b.op("Cast", "mask").name("use_mask").out("m").attr("to", 1);
        b.op("Mul", "y", "m").name("mul").out("z");
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> OnnxModelReader.read(b.output("z").bytes(), SRC, null));
        assertMentions(e, "'drop'", "mask", "'mask'");
    }

    @Test
    void dropoutMaskAsGraphOutputIsRefused() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 4);
        b.op("Dropout", "x").name("drop").out("y", "mask");
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> OnnxModelReader.read(b.output("y", "mask").bytes(), SRC, null));
        assertMentions(e, "'drop'", "'mask'");
    }

    @Test
    void convWithRuntimeWeightsLoadsButIsRefusedAtPlanTime() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 3, 8, 8).input("w", 4, 3, 3, 3);
        b.op("Conv", "x", "w").name("dynconv").out("y");
        Graph g = assertDoesNotThrow(() -> OnnxModelReader.read(b.output("y").bytes(), SRC, null));
        CompiledModel m = new CompiledModel(g);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("x", new int[] {1, 3, 8, 8});
        shapes.put("w", new int[] {4, 3, 3, 3});
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> m.plan(shapes));
        assertMentions(e, "'dynconv'", "op Conv", "weights", "must be a constant");
    }

    @Test
    void attributeOfTheWrongTypeNamesNodeAndAttribute() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 4, 8, 8).random("w", 4, 2, 3, 3);
        b.op("Conv", "x", "w").name("badgroup").out("y").attr("group", 2f);
        CompiledModel m = new CompiledModel(OnnxModelReader.read(b.output("y").bytes(), SRC, null));
        ModelException e = assertThrows(ModelException.class, () -> m.plan(1));
        assertMentions(e, "'badgroup'", "'group'", "FLOAT", "INT");
    }

    @Test
    void attributeOfTheWrongTypeIsRefusedAtLoadTimeWhenChecked() {
        GraphBuilder b = new GraphBuilder(13).input("x", 1, 4, 8, 8).random("w", 4, 4, 3, 3);
        b.op("Conv", "x", "w").name("badpad").out("y").attr("auto_pad", 1L);
        ModelException e = refused(b.output("y").bytes());
        assertMentions(e, "'badpad'", "'auto_pad'", "STRING");
    }
}
