package org.quantlake.spark.exec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.spark.broadcast.Broadcast;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.onnx.OnnxModelReader;
import org.quantlake.core.ptq.Calibrator;
import org.quantlake.core.ptq.Fusion;
import org.quantlake.core.ptq.PostTrainingQuantizer;
import org.quantlake.core.ptq.QuantizedModel;
import org.quantlake.spark.config.CalibrationSpec;

/**
 * Compiled models per executor JVM: every task of a JVM shares one, built from the broadcast bytes on first use and
 * cached under the bytes' SHA-256 (computed on the driver), so a model is parsed, fused and compiled once per JVM,
 * not once per task. Compiled models are thread-safe; each task runs its own sessions.
 *
 * <p>The cache holds the few most recently used entries, so a long-lived executor (a notebook's) does not keep
 * every model it ever saw.
 */
public final class ExecutorModels {
    private static final int CAPACITY = 6;
    private static final Map<String, Object> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
            return size() > CAPACITY;
        }
    };
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ExecutorModels() {
    }

    /** The calibrator of a float model under a calibration config (its plan fixes the observers). */
    public static Calibrator calibrator(Broadcast<byte[]> model, String sha256, CalibrationSpec spec) {
        String describe = spec.qconfig().describe();
        return get("calibrator " + sha256 + " " + describe, () -> new PostTrainingQuantizer(
                OnnxModelReader.read(model.value(), "float model " + sha256, null), spec.qconfig()).calibrator());
    }

    /** The float32 engine of a float model, fused for inference ({@link Fusion#inferenceEngine}). */
    public static CompiledModel floatEngine(Broadcast<byte[]> model, String sha256) {
        return get("fp32 " + sha256, () -> Fusion.inferenceEngine(OnnxModelReader.read(model.value(), "float model " + sha256, null)));
    }

    /** The int8 engine of a QDQ model (our integer kernels on the lowered graph). */
    public static CompiledModel int8Engine(Broadcast<byte[]> qdq, String sha256) {
        return get("int8 " + sha256, () -> QuantizedModel.int8Engine(OnnxModelReader.read(qdq.value(), "int8 model " + sha256, null)));
    }

    /** Models built in this JVM so far (tests check that tasks share them). */
    public static int loads() {
        return LOADS.get();
    }

    @SuppressWarnings("unchecked")
    private static synchronized <T> T get(String key, Supplier<T> load) {
        Object v = CACHE.get(key);
        if (v == null) {
            v = load.get();
            LOADS.incrementAndGet();
            CACHE.put(key, v);
        }
        return (T) v;
    }
}
