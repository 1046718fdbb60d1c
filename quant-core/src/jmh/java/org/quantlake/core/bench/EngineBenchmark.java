package org.quantlake.core.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.quantlake.core.engine.InferenceSession;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.ValueInfo;
import org.quantlake.core.onnx.OnnxModelReader;
import org.quantlake.core.onnx.OnnxModelWriter;
import org.quantlake.core.ptq.PostTrainingQuantizer;
import org.quantlake.core.ptq.Fusion;
import org.quantlake.core.ptq.QConfig;
import org.quantlake.core.ptq.QuantizedModel;
import org.quantlake.core.testutil.Assets;
import org.quantlake.core.testutil.ImageNetSamples;
import org.quantlake.core.testutil.ModelZoo;

/**
 * Whole-model inference throughput, one thread: our fp32 engine, our int8 engine (the exported QDQ model, lowered),
 * ONNX Runtime fp32 on the float model and ONNX Runtime int8 on our exported QDQ file, side by side in one run.
 * Models: the shared SqueezeNet 1.1, and ResNet-18- and MobileNetV2-shaped models (224x224, random weights).
 * Score is batches per second; multiply by the batch for images per second (scripts/bench.sh prints both).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-XX:+UseParallelGC"})
@Threads(1)
public class EngineBenchmark {
    @Param({"squeezenet", "mobilenetv2", "resnet18"})
    public String model;

    @Param({"ours-fp32", "ours-int8", "ort-fp32", "ort-int8"})
    public String engine;

    @Param({"1", "32"})
    public int batch;

    private InferenceSession session;
    private OrtEnvironment env;
    private OrtSession ort;
    private OnnxTensor ortInput;
    private String ortInputName;
    private float[] input;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Graph g = switch (model) {
            case "squeezenet" -> OnnxModelReader.read(Assets.squeezenet());
            case "mobilenetv2" -> ModelZoo.mobilenetV2(224, 11);
            case "resnet18" -> ModelZoo.resnet18(224, 12);
            default -> throw new IllegalArgumentException(model);
        };
        g = withDynamicBatch(g);
        input = images(batch);
        Graph run = g;
        if (engine.endsWith("int8")) {
            List<float[]> calib = new ArrayList<>();
            float[] c = images(8);
            int per = c.length / 8;
            for (int i = 0; i < 8; i++) calib.add(java.util.Arrays.copyOfRange(c, i * per, (i + 1) * per));
            QuantizedModel qm = new PostTrainingQuantizer(g, QConfig.defaults()).quantize(calib, "benchmark");
            run = qm.qdqGraph();
            if (engine.equals("ours-int8")) session = QuantizedModel.int8Engine(run).newSession();
        } else if (engine.equals("ours-fp32")) {
            session = Fusion.inferenceEngine(g).newSession();  // BatchNorm and Relu/Clip fused, as ORT does
        }
        if (engine.startsWith("ort")) {
            env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(1);
            o.setInterOpNumThreads(1);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            ort = env.createSession(OnnxModelWriter.toBytes(run), o);
            ortInputName = ort.getInputNames().iterator().next();
            ortInput = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {batch, 3, 224, 224});
        }
    }

    private float[] images(int n) throws Exception {
        if (!model.equals("squeezenet")) return ModelZoo.randomImages(n, 224, 3);
        ImageNetSamples d = ImageNetSamples.squeezenetInputs();
        float[] out = new float[n * d.inputs[0].length];
        for (int i = 0; i < n; i++) System.arraycopy(d.inputs[i % d.size()], 0, out, i * d.inputs[0].length, d.inputs[0].length);
        return out;
    }

    /** The same graph with dim 0 of inputs and outputs symbolic, so ONNX Runtime accepts any batch. */
    static Graph withDynamicBatch(Graph g) {
        Graph d = g.copy();
        d.inputs().replaceAll(EngineBenchmark::symbolicBatch);
        d.outputs().replaceAll(EngineBenchmark::symbolicBatch);
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

    @Benchmark
    public Object infer() throws OrtException {
        if (session != null) return session.run(input, batch);
        try (OrtSession.Result r = ort.run(Map.of(ortInputName, ortInput))) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        if (ortInput != null) ortInput.close();
        if (ort != null) ort.close();
    }
}
