package org.quantlake.core.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.quantlake.core.engine.InferenceSession;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.ValueInfo;
import org.quantlake.core.onnx.OnnxModelReader;
import org.quantlake.core.onnx.OnnxModelWriter;
import org.quantlake.core.ptq.Fusion;
import org.quantlake.core.ptq.PostTrainingQuantizer;
import org.quantlake.core.ptq.QConfig;
import org.quantlake.core.ptq.QuantizedModel;
import org.quantlake.core.testutil.Assets;
import org.quantlake.core.testutil.ImageNetSamples;
import org.quantlake.core.testutil.ModelZoo;

/**
 * One engine on one benchmark model at one batch size, ready to run: what EngineBenchmark (JMH) and
 * PairedEngineBench (interleaved rounds) both measure. Engines: {@code ours-fp32} (Fusion.inferenceEngine: BatchNorm
 * folded, Relu/Clip fused, as ONNX Runtime's ALL_OPT does), {@code ours-int8} (our exported QDQ model, lowered to the
 * int8 engine), {@code ort-fp32} (ONNX Runtime on the float model) and {@code ort-int8} (ONNX Runtime on our QDQ
 * file), all on one thread. Models: the shared SqueezeNet 1.1, and ResNet-18- and MobileNetV2-shaped models
 * (224x224, seeded random weights).
 */
final class BenchEngine implements AutoCloseable {
    static final List<String> MODELS = List.of("squeezenet", "mobilenetv2", "resnet18");
    static final List<String> ENGINES = List.of("ours-fp32", "ours-int8", "ort-fp32", "ort-int8");

    final String model;
    final String engine;
    final int batch;
    private final float[] input;
    private InferenceSession session;
    private OrtSession ort;
    private OnnxTensor ortInput;
    private String ortInputName;

    BenchEngine(String model, String engine, int batch) throws Exception {
        if (!ENGINES.contains(engine)) throw new IllegalArgumentException("unknown engine " + engine + ", not one of " + ENGINES);
        this.model = model;
        this.engine = engine;
        this.batch = batch;
        Graph g = withDynamicBatch(graph(model));
        input = images(model, batch);
        Graph run = g;
        if (engine.endsWith("int8")) {
            List<float[]> calib = new ArrayList<>();
            float[] c = images(model, 8);
            int per = c.length / 8;
            for (int i = 0; i < 8; i++) calib.add(Arrays.copyOfRange(c, i * per, (i + 1) * per));
            QuantizedModel qm = new PostTrainingQuantizer(g, QConfig.defaults()).quantize(calib, "benchmark");
            run = qm.qdqGraph();
            if (engine.equals("ours-int8")) session = QuantizedModel.int8Engine(run).newSession();
        } else if (engine.equals("ours-fp32")) {
            session = Fusion.inferenceEngine(g).newSession();
        }
        if (engine.startsWith("ort")) {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setIntraOpNumThreads(1);
                o.setInterOpNumThreads(1);
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                // SqueezeNet's file declares a batch-1 output: ORT warns on every batch-32 run, which costs it time.
                o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
                ort = env.createSession(OnnxModelWriter.toBytes(run), o);
            }
            ortInputName = ort.getInputNames().iterator().next();
            ortInput = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {batch, 3, 224, 224});
        }
    }

    static Graph graph(String model) throws Exception {
        return switch (model) {
            case "squeezenet" -> OnnxModelReader.read(Assets.squeezenet());
            case "mobilenetv2" -> ModelZoo.mobilenetV2(224, 11);
            case "resnet18" -> ModelZoo.resnet18(224, 12);
            default -> throw new IllegalArgumentException("unknown model " + model + ", not one of " + MODELS);
        };
    }

    /** n input images: SqueezeNet gets the shared ImageNet samples (preprocessed), the shaped models seeded noise. */
    private static float[] images(String model, int n) throws Exception {
        if (!model.equals("squeezenet")) return ModelZoo.randomImages(n, 224, 3);
        ImageNetSamples d = ImageNetSamples.squeezenetInputs();
        int len = d.inputs[0].length;
        float[] out = new float[n * len];
        for (int i = 0; i < n; i++) System.arraycopy(d.inputs[i % d.size()], 0, out, i * len, len);
        return out;
    }

    /** One forward pass over the batch; returns something of the output so the JIT cannot drop the work. */
    Object run() throws OrtException {
        if (session != null) return session.run(input, batch);
        try (OrtSession.Result r = ort.run(Map.of(ortInputName, ortInput))) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
        }
    }

    /** The same graph with dim 0 of inputs and outputs symbolic, so ONNX Runtime accepts any batch. */
    static Graph withDynamicBatch(Graph g) {
        Graph d = g.copy();
        d.inputs().replaceAll(BenchEngine::symbolicBatch);
        d.outputs().replaceAll(BenchEngine::symbolicBatch);
        return d;
    }

    private static ValueInfo symbolicBatch(ValueInfo v) {
        if (v.dims() == null || v.dims().length == 0) return v;
        int[] dims = v.dims().clone();
        String[] params = v.dimParams() == null ? new String[dims.length] : v.dimParams().clone();
        dims[0] = -1;
        params[0] = "N";
        return new ValueInfo(v.name(), v.type(), dims, params);
    }

    @Override
    public void close() throws OrtException {
        if (ortInput != null) ortInput.close();
        if (ort != null) ort.close();
    }
}
