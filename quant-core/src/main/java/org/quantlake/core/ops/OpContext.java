package org.quantlake.core.ops;

import java.util.Arrays;
import java.util.function.Supplier;
import org.quantlake.core.graph.ModelException;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.graph.UnsupportedOpException;
import org.quantlake.core.kernels.FloatKernels;

/**
 * What an {@link OpDef} sees of one node while a plan is built: input shapes and constants, then (for compile) the
 * slots its step reads and writes, scratch space, the kernels, and a per-model cache of prepared weights.
 */
public abstract class OpContext {
    protected final Node node;
    protected final int opset;

    protected OpContext(Node node, int opset) {
        this.node = node;
        this.opset = opset;
    }

    public Node node() { return node; }

    public int opset() { return opset; }

    public int inputCount() { return node.inputs().size(); }

    public boolean hasInput(int i) { return node.hasInput(i); }

    /** Shape of input i (null when the input is absent). */
    public abstract int[] inShape(int i);

    /** Value of input i when it is a constant, else null. */
    public abstract TensorData inConst(int i);

    /** Element type of input i (constants: their tensor type; runtime values: what their producer makes). */
    public abstract org.quantlake.core.graph.ElemType inType(int i);

    /** Dim 0 of the model's first input as declared (e.g. 1 for fixed-batch exports), or -1 when symbolic. */
    public abstract int declaredBatch();

    /** The batch size this plan is built for. */
    public abstract int planBatch();

    // ---- compile-time only

    public abstract int[] outShape(int i);

    /** Slot of input i (constants get a read-only slot holding their data). */
    public abstract int inSlot(int i);

    public abstract int outSlot(int i);

    /** A float scratch slot of at least {@code floats} elements; scratch k of every step shares one buffer. */
    public abstract int scratch(int k, int floats);

    /** A byte scratch slot (for int8 steps), shared like {@link #scratch}. */
    public abstract int byteScratch(int k, int bytes);

    /** An int scratch slot (for int8 steps), shared like {@link #scratch}. */
    public abstract int intScratch(int k, int ints);

    public abstract FloatKernels kernels();

    public abstract org.quantlake.core.kernels.Int8Kernels int8Kernels();

    /**
     * [lo, hi] of a Relu/Clip the plan fused into this node (the node must clamp its output to it: the activation
     * node runs no step and shares the output's storage), or null. Only Conv is offered one.
     */
    public float[] fusedClamp() {
        return null;
    }

    /** Prepared data for this node, computed once per model and shared by every plan and session. */
    public abstract <T> T prepared(String key, Supplier<T> make);

    // ---- helpers

    /** A required constant input, or a clear error. */
    public TensorData requireConst(int i, String what) {
        TensorData t = inConst(i);
        if (t == null) throw unsupported("input " + i + " ('" + node.input(i) + "', " + what + ") must be a constant");
        return t;
    }

    /** A required input shape, or a clear error. */
    public int[] requireShape(int i) {
        int[] s = inShape(i);
        if (s == null) throw fail("input " + i + " is missing");
        return s;
    }

    public ModelException fail(String msg) {
        return new ModelException("node " + node.describe() + ": " + msg);
    }

    public UnsupportedOpException unsupported(String msg) {
        return unsupported(node, opset, msg);
    }

    public static UnsupportedOpException unsupported(Node node, int opset, String msg) {
        return new UnsupportedOpException("node '" + node.name() + "' (op " + node.opType() + ", domain "
                + (node.domain().isEmpty() ? "ai.onnx" : node.domain()) + ", opset " + opset + "): " + msg);
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
