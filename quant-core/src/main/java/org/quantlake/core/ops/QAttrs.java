package org.quantlake.core.ops;

import org.quantlake.core.graph.Attribute;
import org.quantlake.core.graph.Node;

/**
 * Attribute names of the int8 nodes the QDQ lowering creates (domain {@value #DOMAIN}). They exist only inside
 * this engine and are never written to a file: exported models are standard QDQ ONNX.
 */
public final class QAttrs {
    public static final String DOMAIN = "org.quantlake";
    public static final String X_SCALE = "x_scale";
    public static final String X_ZP = "x_zero_point";
    public static final String B_SCALE = "b_scale";
    public static final String B_ZP = "b_zero_point";
    public static final String W_SCALES = "w_scales";
    public static final String Y_SCALE = "y_scale";
    public static final String Y_ZP = "y_zero_point";
    /** Quantized-domain clamp of a fused Relu/Clip: the output saturates to [clip_lo, clip_hi]. */
    public static final String CLIP_LO = "clip_lo";
    public static final String CLIP_HI = "clip_hi";
    /** QConcat: per-input scales and zero points. */
    public static final String IN_SCALES = "in_scales";
    public static final String IN_ZPS = "in_zero_points";

    private QAttrs() {}

    static float f(Node n, String name) {
        Attribute a = n.attr(name);
        if (a == null) throw new IllegalStateException("int8 node " + n.describe() + " lacks attribute " + name);
        return a.f();
    }

    static int i(Node n, String name) {
        Attribute a = n.attr(name);
        if (a == null) throw new IllegalStateException("int8 node " + n.describe() + " lacks attribute " + name);
        return (int) a.i();
    }

    static int lo(Node n) { return (int) n.attrInt(CLIP_LO, 0); }

    static int hi(Node n) { return (int) n.attrInt(CLIP_HI, 255); }
}
