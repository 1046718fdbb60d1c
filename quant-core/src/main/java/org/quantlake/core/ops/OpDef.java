package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;

/**
 * One ONNX op's mapping: attribute checks for an opset, shape inference, constant folding and the fp32 step.
 * One class per op family lives in this package (Conv in {@code Conv}, pools in {@code Pool}, ...), so a layer's
 * ONNX semantics are found in one place; its hot loops live in {@code kernels}.
 */
public abstract class OpDef {

    /**
     * Throws {@link org.quantlake.core.graph.UnsupportedOpException} (via {@link OpContext#unsupported}) when the node
     * uses an attribute value or form this build cannot run. Called at load time with only the node and opset.
     */
    public void check(Node node, int opset) {}

    /** Output shapes from input shapes and constant inputs. */
    public abstract int[][] inferShapes(OpContext c);

    /**
     * Evaluates the node when every present input is constant (or, for Shape, when the input's shape is known),
     * or returns null to leave it to the generic path (running the compiled step once on the constants).
     */
    public TensorData[] fold(OpContext c) {
        return null;
    }

    /** True when output 0 is input 0's buffer under a new shape (Reshape, Flatten, Identity...): no step runs. */
    public boolean isView() {
        return false;
    }

    /** Element type of runtime output i: FLOAT unless a quantized op says otherwise (UINT8, INT8, INT32). */
    public org.quantlake.core.graph.ElemType outputType(OpContext c, int i) {
        return org.quantlake.core.graph.ElemType.FLOAT;
    }

    /** The fp32 step for a runtime node; slots, shapes and constants come from the context. */
    public abstract Step compile(OpContext c);
}
