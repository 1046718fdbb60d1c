package org.quantlake.core.engine;

import java.util.List;
import java.util.Map;
import org.quantlake.core.tensor.FloatTensor;

/**
 * A graph compiled for fixed input shapes (one per batch size): the steps in order, the slot of every value and
 * the storage each slot needs. Immutable and shared by all sessions; each session allocates its own {@link Arena}.
 * Values whose lifetimes do not overlap share a slot, so a plan's memory is about the peak of live activations.
 */
public final class Plan {
    /** One runtime node: its step (null for views) and the float values to report to an observer after it. */
    record Entry(String node, Step step, String[] reported) {}

    private final int batch;
    private final Entry[] entries;
    private final SlotKind[] kinds;
    private final int[] sizes;
    private final Object[] constants;
    private final Map<String, Integer> slotOf;
    private final Map<String, int[]> shapeOf;
    private final List<String> inputs;
    private final List<String> outputs;

    Plan(int batch, Entry[] entries, SlotKind[] kinds, int[] sizes, Object[] constants, Map<String, Integer> slotOf,
         Map<String, int[]> shapeOf, List<String> inputs, List<String> outputs) {
        this.batch = batch;
        this.entries = entries;
        this.kinds = kinds;
        this.sizes = sizes;
        this.constants = constants;
        this.slotOf = slotOf;
        this.shapeOf = shapeOf;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    public int batch() { return batch; }

    public List<String> inputs() { return inputs; }

    public List<String> outputs() { return outputs; }

    /** Shape of any value the plan computes or reads (null for unknown names). */
    public int[] shape(String value) {
        int[] s = shapeOf.get(value);
        return s == null ? null : s.clone();
    }

    int slot(String value) {
        Integer s = slotOf.get(value);
        if (s == null) throw new IllegalArgumentException("no value '" + value + "' in this plan");
        return s;
    }

    /** Number of runtime steps (views excluded). */
    public int stepCount() {
        int n = 0;
        for (Entry e : entries) if (e.step != null) n++;
        return n;
    }

    /** Floats of activation memory one arena of this plan allocates (constants excluded). */
    public long arenaFloats() {
        long n = 0;
        for (int i = 0; i < sizes.length; i++) if (constants[i] == null) n += sizes[i];
        return n;
    }

    Arena newArena() {
        Object[] b = new Object[sizes.length];
        for (int i = 0; i < b.length; i++) b[i] = constants[i] != null ? constants[i] : kinds[i].allocate(sizes[i]);
        return new Arena(b);
    }

    void run(Arena a, ValueObserver observer) {
        run(a, observer, null);
    }

    /** Runs the steps; when {@code nanos} is given, adds each step's wall time to its node's entry. */
    void run(Arena a, ValueObserver observer, Map<String, Long> nanos) {
        if (observer != null) {
            for (String in : inputs) report(a, observer, in);
        }
        for (Entry e : entries) {
            if (e.step != null) {
                long t0 = nanos == null ? 0 : System.nanoTime();
                try {
                    e.step.run(a);
                } catch (RuntimeException ex) {
                    throw new IllegalStateException("node '" + e.node + "' failed: " + ex, ex);
                }
                if (nanos != null) nanos.merge(e.node, System.nanoTime() - t0, Long::sum);
            }
            if (observer != null) for (String v : e.reported) report(a, observer, v);
        }
    }

    private void report(Arena a, ValueObserver observer, String value) {
        int slot = slotOf.get(value);
        if (kinds[slot] != SlotKind.FLOAT) return;
        observer.onValue(value, new FloatTensor(a.f(slot), 0, shapeOf.get(value)));
    }
}
