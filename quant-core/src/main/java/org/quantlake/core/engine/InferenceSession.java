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
        Plan whole = model.plan(batch);
        for (String in : whole.inputs()) {
            float[] data = inputs.get(in);
            if (data == null) throw new IllegalArgumentException("missing input '" + in + "'");
            int[] shape = whole.shape(in);
            int need = Shapes.size(shape);
            if (data.length != need) {
                throw new IllegalArgumentException("input '" + in + "' has " + data.length + " values; batch " + batch
                        + " of shape " + Shapes.toString(shape) + " needs " + need);
            }
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String o : whole.outputs()) out.put(o, new float[Shapes.size(whole.shape(o))]);
        int micro = model.microBatch();
        int part = observer == null && micro > 0 && batch > micro && splits(batch, micro) ? micro : batch;
        // One pass per part (the whole batch unless it splits): a part's values are the same share of every input and
        // output, so part [from, from + n) sits at offset size * from / n of the whole.
        for (int from = 0; from < batch; from += part) {
            int n = Math.min(part, batch - from);
            Plan plan = model.plan(n);
            Arena arena = arenaFor(plan);
            for (String in : plan.inputs()) {
                int size = Shapes.size(plan.shape(in));
                System.arraycopy(inputs.get(in), (int) ((long) size * from / n), arena.f(plan.slot(in)), 0, size);
            }
            plan.run(arena, observer, nanosByNode);
            for (String o : plan.outputs()) {
                int size = Shapes.size(plan.shape(o));
                System.arraycopy(arena.f(plan.slot(o)), 0, out.get(o), (int) ((long) size * from / n), size);
            }
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
