package org.quantlake.core.qdq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.Node;
import org.quantlake.core.image.ImagePreprocessor;
import org.quantlake.core.image.PreprocessSpec;
import org.quantlake.core.kernels.Int8Kernels;
import org.quantlake.core.kernels.KernelProvider;
import org.quantlake.core.kernels.NativeLevel;
import org.quantlake.core.onnx.OnnxModelReader;
import org.quantlake.core.ptq.PostTrainingQuantizer;
import org.quantlake.core.ptq.QConfig;
import org.quantlake.core.testutil.Assets;
import org.quantlake.core.testutil.ModelZoo;

/**
 * The int8 engine gives the same output bits whichever int8 kernels run it: the plain-Java reference, the Vector
 * API kernels and the native kernels at every dispatch level this CPU runs, on whole quantized models (ResNet-18
 * and MobileNetV2 shapes: residual adds, depthwise, fused ReLU6, GAP, Gemm; and the shared SqueezeNet 1.1), at
 * batch 1 and 3. The float kernels are the plain-Java ones throughout, so only the int8 kernels differ.
 */
class Int8EngineImplementationsTest {

    @Test
    void resnet18Shaped() {
        Graph g = ModelZoo.resnet18(64, 5);
        assertSameOutputs("resnet18", quantize(g, randomBatches(64)), ModelZoo.randomImages(3, 64, 77), 3);
    }

    @Test
    void mobilenetV2Shaped() {
        Graph g = ModelZoo.mobilenetV2(64, 6);
        assertSameOutputs("mobilenetv2", quantize(g, randomBatches(64)), ModelZoo.randomImages(3, 64, 78), 3);
    }

    @Test
    void sharedSqueezeNet() throws IOException {
        Graph g = OnnxModelReader.read(Assets.squeezenet());
        Path dir = Assets.require("imagenet/sample-images-1000");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".JPEG")).sorted().limit(7).toList();
        }
        ImagePreprocessor pre = new ImagePreprocessor(PreprocessSpec.imagenetCaffeBgr());
        List<float[]> images = new ArrayList<>();
        for (Path f : files) {
            images.add(pre.toTensor(Files.readAllBytes(f)));
        }
        Graph qdq = quantize(g, images.subList(0, 4));
        int per = images.get(0).length;
        float[] input = new float[3 * per];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(images.get(4 + i), 0, input, i * per, per);
        }
        assertSameOutputs("squeezenet", qdq, input, 3);
    }

    private static List<float[]> randomBatches(int size) {
        List<float[]> b = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            b.add(ModelZoo.randomImages(2, size, 40 + i));
        }
        return b;
    }

    private static Graph quantize(Graph g, List<float[]> calibration) {
        return new PostTrainingQuantizer(g, QConfig.defaults()).quantize(calibration, "test").qdqGraph();
    }

    /** Runs the lowered graph with every int8 implementation at batch 1 and {@code batch}; outputs must be equal. */
    private static void assertSameOutputs(String model, Graph qdq, float[] input, int batch) {
        Graph lowered = QdqLowering.lower(qdq);
        long int8Nodes = lowered.nodes().stream().map(Node::domain).filter("org.quantlake"::equals).count();
        assertTrue(int8Nodes > 5, model + ": the lowering produced only " + int8Nodes + " int8 nodes");
        List<Int8Kernels> impls = new ArrayList<>();
        KernelProvider.panamaInt8Kernels().ifPresent(impls::add);
        for (NativeLevel level : KernelProvider.nativeLevels()) {
            impls.add(KernelProvider.nativeInt8Kernels(level).orElseThrow());
        }
        if (KernelProvider.nativeLevels().isEmpty()) {
            System.out.println("[native kernels not tested] " + KernelProvider.nativeUnavailableReason().orElse("?"));
        }
        int per = input.length / batch;
        float[] first = java.util.Arrays.copyOf(input, per);
        CompiledModel reference = new CompiledModel(lowered, KernelProvider.javaKernels(),
                KernelProvider.javaInt8Kernels());
        float[] want1 = reference.newSession().run(first, 1);
        float[] wantN = reference.newSession().run(input, batch);
        for (Int8Kernels k : impls) {
            CompiledModel m = new CompiledModel(lowered, KernelProvider.javaKernels(), k);
            assertArrayEquals(want1, m.newSession().run(first, 1), model + " batch 1, " + k.name());
            assertArrayEquals(wantN, m.newSession().run(input, batch), model + " batch " + batch + ", " + k.name());
        }
    }
}
