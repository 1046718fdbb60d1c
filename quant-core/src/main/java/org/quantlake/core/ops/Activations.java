package org.quantlake.core.ops;

import org.quantlake.core.graph.Node;

/** Which activation nodes a producer can apply as a clamp in its own epilogue (the float engine's Conv+Relu/Clip fusion). */
public final class Activations {
    private Activations() {}

    /**
     * [lo, hi] when {@code c}'s node is a Relu or a Clip with constant (or absent) bounds: exactly the function
     * {@code min(max(x, lo), hi)} with Math semantics, as the Relu and Clip steps compute it; otherwise null.
     */
    public static float[] clamp(OpContext c) {
        Node n = c.node();
        if (!n.domain().isEmpty()) return null;
        if (n.opType().equals("Relu")) return new float[] {0f, Float.POSITIVE_INFINITY};
        if (!n.opType().equals("Clip")) return null;
        if (c.opset() >= 11) {
            for (int i = 1; i <= 2; i++) {
                if (c.hasInput(i) && (c.inConst(i) == null || c.inConst(i).size() != 1)) return null;
            }
        }
        return Unary.clipBounds(c);
    }
}
