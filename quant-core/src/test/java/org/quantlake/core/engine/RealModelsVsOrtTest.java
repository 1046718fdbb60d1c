package org.quantlake.core.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quantlake.core.testutil.Assets;
import org.quantlake.core.testutil.Compare;
import org.quantlake.core.testutil.ImageNetSamples;
import org.quantlake.core.testutil.Mnist;
import org.quantlake.core.testutil.Ort;

/** Our fp32 engine against ONNX Runtime on the shared real models, batched against ORT's batch of 1. */
class RealModelsVsOrtTest {
    private static final double TOLERANCE = 1e-4;

    /** The plain engine (every node as written) and the inference engine (BatchNorm and Relu/Clip fused). */
    private static CompiledModel engine(java.nio.file.Path file, boolean fused) {
        return fused ? org.quantlake.core.ptq.Fusion.inferenceEngine(org.quantlake.core.onnx.OnnxModelReader.read(file))
                : CompiledModel.load(file);
    }

    @ParameterizedTest(name = "fused {0}")
    @ValueSource(booleans = {false, true})
    void mnistMatchesOrtAndScores9891(boolean fused) throws Exception {
        CompiledModel model = engine(Assets.mnistModel(), fused);
        Mnist mnist = Mnist.testSet();
        int n = mnist.images.length;
        int batch = 250;
        InferenceSession s = model.newSession();
        double maxErr = 0;
        int correct = 0;
        int agree = 0;
        try (Ort ort = new Ort(Files.readAllBytes(Assets.mnistModel()))) {
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch);
                float[] out = s.run(mnist.batch(from, to), to - from);
                for (int i = from; i < to; i++) {
                    float[] ref = ort.run(mnist.images[i], new long[] {1, 1, 28, 28});
                    maxErr = Math.max(maxErr, Compare.relError(out, (i - from) * 10, ref, 0, 10));
                    int ours = Compare.argmax(out, (i - from) * 10, 10);
                    if (ours == mnist.labels[i]) correct++;
                    if (ours == Compare.argmax(ref, 0, 10)) agree++;
                }
            }
        }
        System.out.printf("MNIST fp32 (fused " + fused + ") vs ORT: max relative error %.3g over %d images; top-1 %.2f%%; argmax agreement %d/%d%n",
                maxErr, n, 100.0 * correct / n, agree, n);
        assertTrue(maxErr <= TOLERANCE, "max relative error " + maxErr);
        assertEquals(9891, correct, "MNIST top-1 must be 98.91%");
    }

    @ParameterizedTest(name = "fused {0}")
    @ValueSource(booleans = {false, true})
    void squeezenetMatchesOrt(boolean fused) throws Exception {
        CompiledModel model = engine(Assets.squeezenet(), fused);
        ImageNetSamples data = ImageNetSamples.squeezenetInputs();
        int n = data.size();
        int batch = 8;
        InferenceSession s = model.newSession();
        double maxErr = 0;
        int agree = 0;
        int correct = 0;
        try (Ort ort = new Ort(Files.readAllBytes(Assets.squeezenet()))) {
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch);
                float[] out = s.run(data.batch(from, to), to - from);
                for (int i = from; i < to; i++) {
                    float[] ref = ort.run(data.inputs[i], new long[] {1, 3, 224, 224});
                    maxErr = Math.max(maxErr, Compare.relError(out, (i - from) * 1000, ref, 0, 1000));
                    int ours = Compare.argmax(out, (i - from) * 1000, 1000);
                    if (ours == Compare.argmax(ref, 0, 1000)) agree++;
                    if (ours == data.labels[i]) correct++;
                }
            }
        }
        System.out.printf("SqueezeNet 1.1 fp32 (fused " + fused + ") vs ORT: max relative error %.3g over %d images; argmax agreement %d/%d; top-1 vs labels %.1f%%%n",
                maxErr, n, agree, n, 100.0 * correct / n);
        assertTrue(maxErr <= TOLERANCE, "max relative error " + maxErr);
        assertEquals(n, agree);
    }
}
