package org.quantlake.core.testutil;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/** ONNX Runtime (the reference engine), single-threaded, on model bytes. */
public final class Ort implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    public Ort(byte[] model) throws OrtException {
        this(model, OrtSession.SessionOptions.OptLevel.ALL_OPT);
    }

    public Ort(byte[] model, OrtSession.SessionOptions.OptLevel level) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(1);
        o.setInterOpNumThreads(1);
        o.setOptimizationLevel(level);
        // errors only: ORT warns when its kernel's output shape differs from ONNX shape inference, which it does
        // by design for ceil_mode windows starting in the padding (see PoolVsOrtTest)
        o.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        session = env.createSession(model, o);
    }

    public String inputName() { return session.getInputNames().iterator().next(); }

    public String outputName() { return session.getOutputNames().iterator().next(); }

    /** Runs the first input with the given shape; returns the first output flattened. */
    public float[] run(float[] input, long[] shape) throws OrtException {
        Map<String, float[]> in = new HashMap<>();
        in.put(inputName(), input);
        Map<String, long[]> shapes = new HashMap<>();
        shapes.put(inputName(), shape);
        return run(in, shapes).get(outputName());
    }

    /** Runs all inputs; returns every output flattened. */
    public Map<String, float[]> run(Map<String, float[]> inputs, Map<String, long[]> shapes) throws OrtException {
        Map<String, float[]> out = new HashMap<>();
        runWithShapes(inputs, shapes).forEach((k, v) -> out.put(k, v.data()));
        return out;
    }

    /** An output: its shape and flattened data. */
    public record Output(long[] shape, float[] data) {}

    /** Runs all inputs; returns every output with its shape. */
    public Map<String, Output> runWithShapes(Map<String, float[]> inputs, Map<String, long[]> shapes) throws OrtException {
        Map<String, OnnxTensor> t = new HashMap<>();
        try {
            for (Map.Entry<String, float[]> e : inputs.entrySet()) {
                t.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue()), shapes.get(e.getKey())));
            }
            Map<String, Output> out = new HashMap<>();
            try (OrtSession.Result r = session.run(t)) {
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
                    OnnxTensor ot = (OnnxTensor) e.getValue();
                    FloatBuffer fb = ot.getFloatBuffer();
                    float[] v = new float[fb.remaining()];
                    fb.get(v);
                    out.put(e.getKey(), new Output(ot.getInfo().getShape(), v));
                }
            }
            return out;
        } finally {
            for (OnnxTensor x : t.values()) x.close();
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
