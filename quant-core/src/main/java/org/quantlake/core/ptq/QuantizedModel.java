package org.quantlake.core.ptq;

import java.io.IOException;
import java.nio.file.Path;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.graph.Graph;
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

    /** Integer execution of any QDQ graph (e.g. one read back from a file). */
    public static CompiledModel int8Engine(Graph qdq) { return new CompiledModel(QdqLowering.lower(qdq)); }

    /** Float execution of the QDQ graph (quantize-dequantize simulated in float32). */
    public CompiledModel simulatedEngine() { return new CompiledModel(qdq); }
}
