package org.quantlake.core.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import org.quantlake.core.tensor.Shapes;

/**
 * Runs a {@link CompiledModel} on explicit input shapes. {@link InferenceSession} sets dim 0 of every input to
 * one batch size, which is right for CNNs but not for op tests whose second runtime operand has its own leading
 * dim (a broadcast [C, 1, 1], a MatMul weight); this reaches the package-private plan API from the test side.
 */
public final class PlanRunner {
    private PlanRunner() {}

    /** A value the plan computed: its shape and a copy of its data. */
    public record Result(int[] shape, float[] data) {}

    /** Runs every graph input at the given shape; returns every graph output, in graph order. */
    public static Map<String, Result> run(CompiledModel model, Map<String, float[]> inputs, Map<String, int[]> shapes) {
        Plan plan = model.plan(shapes);
        Arena arena = plan.newArena();
        for (String in : plan.inputs()) {
            float[] data = inputs.get(in);
            int need = Shapes.size(plan.shape(in));
            if (data == null || data.length != need) {
                throw new IllegalArgumentException("input '" + in + "' needs " + need + " values");
            }
            System.arraycopy(data, 0, arena.f(plan.slot(in)), 0, need);
        }
        plan.run(arena, null);
        Map<String, Result> out = new LinkedHashMap<>();
        for (String o : plan.outputs()) {
            int[] shape = plan.shape(o);
            float[] copy = new float[Shapes.size(shape)];
            System.arraycopy(arena.f(plan.slot(o)), 0, copy, 0, copy.length);
            out.put(o, new Result(shape, copy));
        }
        return out;
    }
}
