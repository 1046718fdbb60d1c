package org.quantlake.core.engine;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.quantlake.core.tensor.Shapes;

/**
 * Runs a {@link CompiledModel} on batches, reusing one arena per batch size across calls. Not thread-safe: use one
 * session per thread (Spark: one per task).
 */
public final class InferenceSession {
    private final CompiledModel model;
    private final Map<Plan, Arena> arenas = new HashMap<>();
    private ValueObserver observer;

    InferenceSession(CompiledModel model) {
        this.model = model;
    }

    public CompiledModel model() { return model; }

    /** Attaches the forward hook (null detaches). */
    public void setObserver(ValueObserver observer) {
        this.observer = observer;
    }

    /**
     * Runs one batch. Inputs are row-major with dim 0 = batch; returns every graph output as a new array, in graph
     * order.
     */
    public Map<String, float[]> run(Map<String, float[]> inputs, int batch) {
        return run(inputs, batch, null);
    }

    /**
     * As {@link #run(Map, int)}, adding each node's wall time in nanoseconds to {@code nanosByNode} (for finding
     * where a model spends its time; views, which have no step, never appear).
     */
    public Map<String, float[]> run(Map<String, float[]> inputs, int batch, Map<String, Long> nanosByNode) {
        int micro = model.microBatch();
        if (observer == null && micro > 0 && batch > micro && splits(batch, micro)) {
            return runInParts(inputs, batch, micro, nanosByNode);
        }
        Plan plan = model.plan(batch);
        Arena arena = arenaFor(plan);
        for (String in : plan.inputs()) {
            float[] data = inputs.get(in);
            if (data == null) throw new IllegalArgumentException("missing input '" + in + "'");
            int[] shape = plan.shape(in);
            int need = Shapes.size(shape);
            if (data.length != need) {
                throw new IllegalArgumentException("input '" + in + "' has " + data.length + " values; batch " + batch
                        + " of shape " + Shapes.toString(shape) + " needs " + need);
            }
            System.arraycopy(data, 0, arena.f(plan.slot(in)), 0, need);
        }
        plan.run(arena, observer, nanosByNode);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String o : plan.outputs()) {
            float[] buf = arena.f(plan.slot(o));
            float[] copy = new float[Shapes.size(plan.shape(o))];
            System.arraycopy(buf, 0, copy, 0, copy.length);
            out.put(o, copy);
        }
        return out;
    }

    /**
     * Whether every input and output is batch-major at both sizes with the same per-sample size, so a batch is the
     * concatenation of its parts (models that fold the batch into other dims run whole).
     */
    private boolean splits(int batch, int micro) {
        Plan whole = model.plan(batch), part = model.plan(micro);
        for (java.util.List<String> names : java.util.List.of(whole.inputs(), whole.outputs())) {
            for (String v : names) {
                int[] w = whole.shape(v), p = part.shape(v);
                if (w.length == 0 || p.length == 0 || w[0] != batch || p[0] != micro
                        || (long) Shapes.size(w) * micro != (long) Shapes.size(p) * batch) {
                    return false;
                }
            }
        }
        return true;
    }

    private Map<String, float[]> runInParts(Map<String, float[]> inputs, int batch, int micro, Map<String, Long> nanos) {
        Plan whole = model.plan(batch);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String o : whole.outputs()) out.put(o, new float[Shapes.size(whole.shape(o))]);
        for (String in : whole.inputs()) {
            float[] data = inputs.get(in);
            if (data == null) throw new IllegalArgumentException("missing input '" + in + "'");
            int need = Shapes.size(whole.shape(in));
            if (data.length != need) {
                throw new IllegalArgumentException("input '" + in + "' has " + data.length + " values; batch " + batch
                        + " of shape " + Shapes.toString(whole.shape(in)) + " needs " + need);
            }
        }
        Map<String, float[]> part = new HashMap<>();
        for (int from = 0; from < batch; from += micro) {
            int n = Math.min(micro, batch - from);
            for (String in : whole.inputs()) {
                int per = Shapes.size(whole.shape(in)) / batch;
                part.put(in, java.util.Arrays.copyOfRange(inputs.get(in), from * per, (from + n) * per));
            }
            Map<String, float[]> r = run(part, n, nanos);
            for (Map.Entry<String, float[]> e : r.entrySet()) {
                float[] v = e.getValue();
                System.arraycopy(v, 0, out.get(e.getKey()), from * (v.length / n), v.length);
            }
        }
        return out;
    }

    /** Single-input convenience: runs the first input, returns the first output. */
    public float[] run(float[] input, int batch) {
        Map<String, float[]> in = new HashMap<>();
        in.put(model.inputName(), input);
        return run(in, batch).get(model.outputName());
    }

    /** Shape of an output (or any value) for a batch size. */
    public int[] shape(String value, int batch) {
        return model.plan(batch).shape(value);
    }

    private Arena arenaFor(Plan plan) {
        return arenas.computeIfAbsent(plan, Plan::newArena);
    }
}
