package org.quantlake.core.ptq;

import static org.junit.jupiter.api.Assertions.*;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.onnx.OnnxModelReader;
import org.quantlake.core.testutil.Assets;
import org.quantlake.core.testutil.Compare;
import org.quantlake.core.testutil.ImageNetSamples;
import org.quantlake.core.testutil.Mnist;
import org.quantlake.core.testutil.ModelZoo;

/** The fused float model computes the same function as the original, within 1e-5 relative, on real and zoo models. */
class FusionTest {

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("mnist", 10),
                Arguments.of("squeezenet", 8),
                Arguments.of("resnet18", 4),
                Arguments.of("mobilenetv2", 4));
    }

    static Graph load(String name) throws Exception {
        return switch (name) {
            case "mnist" -> OnnxModelReader.read(Assets.mnistModel());
            case "squeezenet" -> OnnxModelReader.read(Assets.squeezenet());
            case "resnet18" -> ModelZoo.resnet18(96, 1);
            case "mobilenetv2" -> ModelZoo.mobilenetV2(96, 2);
            default -> throw new IllegalArgumentException(name);
        };
    }

    static float[] inputs(String name, int n) throws Exception {
        return switch (name) {
            case "mnist" -> Mnist.testSet().batch(0, n);
            case "squeezenet" -> ImageNetSamples.squeezenetInputs().batch(0, n);
            default -> ModelZoo.randomImages(n, 96, 7);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void fusedEqualsUnfused(String name, int n) throws Exception {
        Graph g = load(name);
        Graph fused = Fusion.fuse(g);
        int before = count(g, "BatchNormalization") + count(g, "Dropout") + count(g, "MatMul");
        int after = count(fused, "BatchNormalization") + count(fused, "Dropout") + count(fused, "MatMul");
        assertEquals(0, after, "BatchNormalization, Dropout and MatMul should all be fused away in " + name);
        float[] x = inputs(name, n);
        float[] a = new CompiledModel(g).newSession().run(x, n);
        float[] b = new CompiledModel(fused).newSession().run(x, n);
        // the inference engine: the fused graph with Relu/Clip applied in the Conv epilogues (no step of their own)
        CompiledModel inference = Fusion.inferenceEngine(g);
        java.util.Map<String, Long> stepNanos = new java.util.HashMap<>();
        float[] c = inference.newSession().run(java.util.Map.of(inference.inputName(), x), n, stepNanos)
                .get(inference.outputName());
        int classes = a.length / n;
        double worst = 0, worstInference = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Compare.relError(b, i * classes, a, i * classes, classes));
            worstInference = Math.max(worstInference, Compare.relError(c, i * classes, a, i * classes, classes));
        }
        long activations = inference.graph().nodes().stream()
                .filter(nd -> nd.opType().equals("Relu") || nd.opType().equals("Clip")).count();
        long activationSteps = inference.graph().nodes().stream()
                .filter(nd -> (nd.opType().equals("Relu") || nd.opType().equals("Clip")) && stepNanos.containsKey(nd.name())).count();
        long conditional = inference.graph().nodes().stream()
                .filter(nd -> (nd.opType().equals("Relu") || nd.opType().equals("Clip"))
                        && !"Conv".equals(inference.graph().producer(nd.input(0)) == null ? null : inference.graph().producer(nd.input(0)).opType()))
                .count();
        System.out.printf("fusion %s: %d -> %d nodes (%d BN/Dropout/MatMul removed), max relative error %.2e; inference engine "
                + "%.2e with %d of %d Relu/Clip fused into Conv%n", name, g.nodes().size(), fused.nodes().size(), before, worst,
                worstInference, activations - activationSteps, activations);
        assertTrue(worst <= 1e-5, name + ": fused model differs by " + worst);
        assertTrue(worstInference <= 1e-5, name + ": inference engine differs by " + worstInference);
        // every Relu/Clip reading a Conv runs inside it (these models' Convs have no other reader); others run as steps
        assertEquals(conditional, activationSteps, name + ": Relu/Clip steps left");
        if (name.equals("resnet18") || name.equals("mobilenetv2")) assertTrue(before > 0, "zoo models have BatchNorm to fold");
    }

    static int count(Graph g, String op) {
        return (int) g.nodes().stream().filter(n -> n.opType().equals(op)).count();
    }
}
