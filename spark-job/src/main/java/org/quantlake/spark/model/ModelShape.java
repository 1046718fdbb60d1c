package org.quantlake.spark.model;

import java.io.Serializable;
import java.util.Arrays;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.graph.ModelException;
import org.quantlake.core.tensor.Shapes;

/**
 * What the jobs need to know about a model's interface: its one fed input (per-sample shape, without the batch
 * dim) and its first output's size per sample (the classes).
 */
public record ModelShape(String inputName, int[] sampleShape, int sampleSize, String outputName, int outputSize)
        implements Serializable {

    /** Reads the shapes from a compiled model; models with several runtime inputs are refused. */
    public static ModelShape of(CompiledModel m, String source) {
        if (m.graph().inputs().size() != 1) {
            throw new ModelException(source + ": the model has " + m.graph().inputs().size()
                    + " runtime inputs; quantlake's jobs feed exactly one");
        }
        String in = m.inputName();
        int[] full = m.inputShape(in, 1);
        int[] sample = Arrays.copyOfRange(full, 1, full.length);
        int[] out = m.newSession().shape(m.outputName(), 1);
        return new ModelShape(in, sample, Shapes.size(sample), m.outputName(), Shapes.size(out));
    }

    /** E.g. {@code Input3 [1, 28, 28]}. */
    public String describeInput() {
        return "'" + inputName + "' " + Arrays.toString(sampleShape);
    }
}
