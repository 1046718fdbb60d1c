package org.quantlake.core.ptq;

import java.io.IOException;
import java.nio.file.Path;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.kernels.KernelProvider;
import org.quantlake.core.onnx.OnnxModelWriter;
import org.quantlake.core.qdq.QdqLowering;

/**
 * The result of post-training quantization: the standard QDQ ONNX graph (the artifact), the statistics it was
 * converted from, and ways to run it: {@link #int8Engine()} (our integer kernels, on the lowered graph) and
 * {@link #simulatedEngine()} (float32 with fake quantization: the QDQ graph run as written).
 */
public final class QuantizedModel {
    private final Graph qdq;
    private final CalibratedStats stats;

    public QuantizedModel(Graph qdq, CalibratedStats stats) {
        this.qdq = qdq;
        this.stats = stats;
    }

    public Graph qdqGraph() { return qdq; }

    public CalibratedStats stats() { return stats; }

    /** The ONNX bytes (deterministic for equal inputs). */
    public byte[] toBytes() { return OnnxModelWriter.toBytes(qdq); }

    /** Writes the ONNX file atomically. */
    public void write(Path file) throws IOException { OnnxModelWriter.write(qdq, file); }

    /** Integer execution of the QDQ graph. */
    public CompiledModel int8Engine() { return int8Engine(qdq); }

    /** System property overriding {@link #int8Engine}'s micro-batch size (0 runs batches whole). */
    public static final String MICRO_BATCH_PROPERTY = "quantlake.int8.microBatch";
    /**
     * Larger batches run 4 samples at a time, as the float engine's: measured side by side at batch 32
     * (PairedEngineBench, against ONNX Runtime int8 in the same rounds) +18% on SqueezeNet, +31% on MobileNetV2 and
     * +5% on ResNet-18 over running all 32 through each layer, whose first layers' tensors (25 MB for SqueezeNet's
     * first conv) then stream through memory; parts of 1, 2 and 8 were no better.
     */
    static final int DEFAULT_MICRO_BATCH = 4;

    /**
     * Integer execution of any QDQ graph (e.g. one read back from a file). Batches larger than the micro-batch size
     * run in parts of that size (see {@link CompiledModel}'s microBatch): the same outputs.
     */
    public static CompiledModel int8Engine(Graph qdq) {
        return new CompiledModel(QdqLowering.lower(qdq), KernelProvider.floatKernels(), KernelProvider.int8Kernels(),
                false, Integer.getInteger(MICRO_BATCH_PROPERTY, DEFAULT_MICRO_BATCH));
    }

    /** Float execution of the QDQ graph (quantize-dequantize simulated in float32). */
    public CompiledModel simulatedEngine() { return new CompiledModel(qdq); }
}
