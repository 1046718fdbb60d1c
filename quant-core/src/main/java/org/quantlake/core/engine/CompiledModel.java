package org.quantlake.core.engine;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.ModelException;
import org.quantlake.core.graph.ValueInfo;
import org.quantlake.core.kernels.FloatKernels;
import org.quantlake.core.kernels.Int8Kernels;
import org.quantlake.core.kernels.KernelProvider;
import org.quantlake.core.onnx.OnnxModelReader;
import org.quantlake.core.ops.OpRegistry;

/**
 * A validated graph ready to run: plans are compiled once per input-shape set (in practice, per batch size) and
 * cached, prepared weights are shared by all plans. Thread-safe; create one {@link InferenceSession} per thread.
 *
 * <p>Batch: dim 0 of every input is the batch. A model exported with a fixed batch (dim 0 = 1, like the MNIST and
 * SqueezeNet files) still runs batched; see the batch rule in {@code ops.ViewOps} for Reshape targets that
 * hard-code the exported batch.
 */
public final class CompiledModel {
    private final Graph graph;
    private final FloatKernels kernels;
    private final Int8Kernels int8Kernels;
    private final Map<String, Object> prepared = new HashMap<>();
    private final Map<String, Plan> plans = new ConcurrentHashMap<>();
    private final int declaredBatch;
    private final boolean fuseActivations;
    private final int microBatch;

    public CompiledModel(Graph graph, FloatKernels kernels, Int8Kernels int8Kernels) {
        this(graph, kernels, int8Kernels, false);
    }

    public CompiledModel(Graph graph, FloatKernels kernels, Int8Kernels int8Kernels, boolean fuseActivations) {
        this(graph, kernels, int8Kernels, fuseActivations, 0);
    }

    /**
     * @param fuseActivations fuse a Relu/Clip into the Conv before it (the Conv clamps in its epilogue; see
     *                        {@link PlanBuilder}): faster, the same function, but the Conv's pre-activation output is
     *                        never materialised, so a {@link ValueObserver} does not see it. Off for calibration.
     * @param microBatch      when > 0, sessions without an observer run a larger batch as consecutive batches of at
     *                        most this many samples (the same outputs as running those batches one by one): the
     *                        activations of a few images stay in cache, where a batch of 32 224x224 images streams
     *                        every layer's tensors (up to 150 MB) through memory. 0 runs every batch whole.
     */
    public CompiledModel(Graph graph, FloatKernels kernels, Int8Kernels int8Kernels, boolean fuseActivations,
                         int microBatch) {
        if (microBatch < 0) throw new IllegalArgumentException("microBatch must be >= 0, got " + microBatch);
        this.fuseActivations = fuseActivations;
        this.microBatch = microBatch;
        graph.validate();
        OpRegistry.checkSupported(graph);
        this.graph = graph;
        this.kernels = kernels;
        this.int8Kernels = int8Kernels;
        int db = -1;
        if (!graph.inputs().isEmpty()) {
            int[] d = graph.inputs().get(0).dims();
            if (d != null && d.length > 0 && d[0] > 0) db = d[0];
        }
        this.declaredBatch = db;
    }

    public CompiledModel(Graph graph) {
        this(graph, KernelProvider.floatKernels(), KernelProvider.int8Kernels());
    }

    /** Reads, validates and compiles an ONNX file. */
    public static CompiledModel load(Path onnx) {
        return new CompiledModel(OnnxModelReader.read(onnx));
    }

    public Graph graph() { return graph; }

    /** See the constructor; 0 when batches run whole. */
    public int microBatch() { return microBatch; }

    public FloatKernels kernels() { return kernels; }

    /** Name of the first graph input. */
    public String inputName() {
        if (graph.inputs().isEmpty()) throw new ModelException(graph.source() + ": the model has no runtime input");
        return graph.inputs().get(0).name();
    }

    /** Name of the first graph output. */
    public String outputName() {
        return graph.outputs().get(0).name();
    }

    /** The declared shape of an input with dim 0 set to {@code batch}; other unknown dims are an error. */
    public int[] inputShape(String input, int batch) {
        ValueInfo v = graph.input(input);
        if (v == null) throw new IllegalArgumentException("no input '" + input + "' in " + graph.source());
        if (v.dims() == null || v.dims().length == 0) {
            throw new ModelException(graph.source() + ": input '" + input + "' has no declared shape; pass shapes explicitly");
        }
        int[] s = v.dims().clone();
        s[0] = batch;
        for (int i = 1; i < s.length; i++) {
            if (s[i] < 0) {
                throw new ModelException(graph.source() + ": input '" + input + "' dim " + i + " is symbolic ("
                        + (v.dimParams() == null ? "?" : v.dimParams()[i]) + "); pass shapes explicitly");
            }
        }
        return s;
    }

    /** Elements of one sample of an input (the product of its dims after the batch dim). */
    public int sampleSize(String input) {
        int[] s = inputShape(input, 1);
        return org.quantlake.core.tensor.Shapes.size(s);
    }

    /** The plan for every input at its declared shape with batch {@code batch}. */
    public Plan plan(int batch) {
        if (batch <= 0) throw new IllegalArgumentException("batch must be > 0, got " + batch);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (ValueInfo v : graph.inputs()) shapes.put(v.name(), inputShape(v.name(), batch));
        return plan(shapes);
    }

    /** The plan for explicit input shapes. */
    public Plan plan(Map<String, int[]> inputShapes) {
        StringBuilder key = new StringBuilder();
        int batch = -1;
        for (ValueInfo v : graph.inputs()) {
            int[] s = inputShapes.get(v.name());
            if (s == null) throw new IllegalArgumentException("no shape for input '" + v.name() + "'");
            key.append(v.name()).append(Arrays.toString(s)).append(';');
            if (batch < 0 && s.length > 0) batch = s[0];
        }
        int b = batch;
        return plans.computeIfAbsent(key.toString(), k -> {
            synchronized (prepared) {
                return new PlanBuilder(graph, kernels, int8Kernels, prepared, declaredBatch, b, fuseActivations).build(inputShapes);
            }
        });
    }

    /**
     * A copy of {@code g} in which every node computable from initializers alone (not from a runtime value's
     * shape) is replaced by an initializer holding its result: e.g. a Reshape or Transpose of weights, which would
     * otherwise hide constant weights from fusion and quantization.
     */
    public static Graph foldConstants(Graph g) {
        CompiledModel m = new CompiledModel(g, KernelProvider.floatKernels(), KernelProvider.int8Kernels());
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (ValueInfo v : g.inputs()) shapes.put(v.name(), m.inputShape(v.name(), Math.max(1, m.declaredBatch)));
        Map<String, org.quantlake.core.graph.TensorData> constants =
                new PlanBuilder(g, m.kernels, m.int8Kernels, new HashMap<>(), m.declaredBatch, Math.max(1, m.declaredBatch)).foldableConstants(shapes);
        if (constants.isEmpty()) return g;
        Graph f = g.copy();
        f.nodes().removeIf(n -> {
            for (String o : n.outputs()) if (!o.isEmpty() && !constants.containsKey(o)) return false;
            return true;
        });
        for (Map.Entry<String, org.quantlake.core.graph.TensorData> e : constants.entrySet()) {
            if (f.producer(e.getKey()) == null) f.addInitializer(e.getKey(), e.getValue());
        }
        f.removeDeadNodes();
        return f;
    }

    public InferenceSession newSession() {
        return new InferenceSession(this);
    }
}
