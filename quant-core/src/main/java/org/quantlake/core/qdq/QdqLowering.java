package org.quantlake.core.qdq;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quantlake.core.graph.Attribute;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.ops.QAttrs;
import org.quantlake.core.quant.QuantDType;
import org.quantlake.core.quant.Quantization;

/**
 * Lowers a QDQ ONNX graph (ours, or another tool's) to int8 nodes, the way ONNX Runtime fuses QDQ node units:
 * <pre>
 *   DQ(x_q) -> Conv(DQ(W_q), DQ(B_q)) [-> Relu|Clip] -> Q      =>  QConv(x_q, W_q, B_q)            -> y_q
 *   DQ(a_q) -> Gemm|MatMul(DQ(W_q), DQ(B_q)) [-> Relu] -> Q     =>  QGemm(a_q, W_q, B_q)            -> y_q
 *   DQ(a_q), DQ(b_q) -> Add [-> Relu] -> Q                      =>  QAdd(a_q, b_q)                  -> y_q
 *   DQ(x_i) -> Concat -> Q                                      =>  QConcat(x_i...)                 -> y_q
 *   DQ(x_q) -> MaxPool | AveragePool | GlobalAveragePool -> Q   =>  QMaxPool | QAveragePool | ...    -> y_q
 *   DQ(x_q) -> Reshape | Flatten | Squeeze | Unsqueeze -> Q     =>  the view on bytes (same qparams) -> y_q
 * </pre>
 * A pattern lowers only when its types are supported: uint8 activations, int8 weights with all-zero zero points,
 * int32 biases, per-tensor activation parameters, and (MaxPool and views) equal input and output parameters.
 * Everything else keeps its DequantizeLinear / float op / QuantizeLinear and runs in float32, never an error.
 */
public final class QdqLowering {
    private final Graph g;
    private final Map<String, Node> producer = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();

    private QdqLowering(Graph g) {
        this.g = g;
        for (Node n : g.nodes()) {
            for (String o : n.outputs()) producer.put(o, n);
            for (String i : n.inputs()) if (!i.isEmpty()) consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
        }
    }

    /** The lowered copy of a QDQ graph; the input is not modified. */
    public static Graph lower(Graph qdq) {
        Graph g = qdq.copy();
        QdqLowering l = new QdqLowering(g);
        l.run();
        g.removeDeadNodes();
        g.validate();
        return g;
    }

    /** Activation parameters of a runtime DequantizeLinear / QuantizeLinear: {scale, zp}, or null when unsupported. */
    private record Act(String q, float scale, int zp) {}

    private void run() {
        List<Node> order = g.topologicalOrder();
        for (Node n : order) {
            if (!n.domain().isEmpty() || !g.nodes().contains(n)) continue;
            switch (n.opType()) {
                case "Conv" -> lowerMatmulLike(n, "QConv");
                case "Gemm", "MatMul" -> lowerMatmulLike(n, "QGemm");
                case "Add" -> lowerAdd(n);
                case "Concat" -> lowerConcat(n);
                case "MaxPool" -> lowerUnary(n, "QMaxPool", true);
                case "AveragePool" -> lowerUnary(n, "QAveragePool", false);
                case "GlobalAveragePool" -> lowerUnary(n, "QGlobalAveragePool", false);
                case "Reshape", "Flatten", "Squeeze", "Unsqueeze" -> lowerView(n);
                default -> { }
            }
        }
    }

    // ---------------------------------------------------------------- pattern pieces

    /** The runtime uint8 input behind a DequantizeLinear feeding {@code value}, with per-tensor parameters. */
    private Act dqInput(String value) {
        Node dq = producer.get(value);
        if (dq == null || !dq.opType().equals("DequantizeLinear") || !dq.domain().isEmpty()) return null;
        if (g.isConstant(dq.input(0))) return null;
        Node q = producer.get(dq.input(0));
        if (q == null && g.input(dq.input(0)) == null) return null;
        float[] p = perTensor(dq, ElemType.UINT8);
        return p == null ? null : new Act(dq.input(0), p[0], (int) p[1]);
    }

    /** {scale, zp} of a per-tensor Q/DQ whose quantized type is {@code type}; null when not per-tensor or another type. */
    private float[] perTensor(Node qdq, ElemType type) {
        TensorData s = g.initializers().get(qdq.input(1));
        if (s == null || s.size() != 1) return null;
        int zp = 0;
        ElemType zt = ElemType.UINT8;  // the default when the zero point is absent
        if (qdq.hasInput(2)) {
            TensorData z = g.initializers().get(qdq.input(2));
            if (z == null || z.size() != 1) return null;
            zt = z.type();
            zp = (int) z.asLongs()[0];
        }
        if (zt != type) return null;
        return new float[] {s.asFloats()[0], zp};
    }

    /** The quantized constant behind a DequantizeLinear: {tensor, scales} for int8/int32 with all-zero zero points. */
    private record ConstQ(TensorData data, float[] scales, int axis) {}

    private ConstQ dqConst(String value, ElemType type) {
        Node dq = producer.get(value);
        if (dq == null || !dq.opType().equals("DequantizeLinear") || !g.isConstant(dq.input(0))) return null;
        TensorData d = g.initializers().get(dq.input(0));
        TensorData s = g.initializers().get(dq.input(1));
        if (d.type() != type || s == null) return null;
        if (dq.hasInput(2)) {
            TensorData z = g.initializers().get(dq.input(2));
            if (z == null) return null;
            for (long v : z.asLongs()) if (v != 0) return null;
        }
        int axis = (int) dq.attrInt("axis", 1);
        if (axis < 0) axis += d.rank();
        return new ConstQ(d, s.asFloats(), s.size() == 1 ? -1 : axis);
    }

    /** The single QuantizeLinear reading {@code value} (uint8, per tensor), else null. */
    private Node soleQ(String value) {
        if (g.isGraphOutput(value)) return null;
        List<Node> cs = consumers.getOrDefault(value, List.of());
        if (cs.size() != 1) return null;
        Node q = cs.get(0);
        if (!q.opType().equals("QuantizeLinear") || !q.domain().isEmpty() || perTensor(q, ElemType.UINT8) == null) return null;
        return q;
    }

    /** Follows an optional fused Relu/Clip to the QuantizeLinear; returns {act or null, q} or null. */
    private Node[] activationThenQ(String out) {
        Node q = soleQ(out);
        if (q != null) return new Node[] {null, q};
        if (g.isGraphOutput(out)) return null;
        List<Node> cs = consumers.getOrDefault(out, List.of());
        if (cs.size() != 1) return null;
        Node act = cs.get(0);
        if (!act.domain().isEmpty() || !(act.opType().equals("Relu") || act.opType().equals("Clip"))) return null;
        for (int i = 1; i < act.inputs().size(); i++) if (act.hasInput(i) && !g.isConstant(act.input(i))) return null;
        q = soleQ(act.output(0));
        return q == null ? null : new Node[] {act, q};
    }

    /** Output clamp [lo, hi] in the quantized domain for a fused activation (none: [0, 255]). */
    private int[] clamp(Node act, float yScale, int yZp) {
        if (act == null) return new int[] {0, 255};
        float lo = 0f;
        float hi = Float.POSITIVE_INFINITY;
        if (act.opType().equals("Clip")) {
            if (g.opset() < 11) {
                lo = act.attrFloat("min", Float.NEGATIVE_INFINITY);
                hi = act.attrFloat("max", Float.POSITIVE_INFINITY);
            } else {
                lo = act.hasInput(1) ? g.initializers().get(act.input(1)).asFloats()[0] : Float.NEGATIVE_INFINITY;
                hi = act.hasInput(2) ? g.initializers().get(act.input(2)).asFloats()[0] : Float.POSITIVE_INFINITY;
            }
        }
        int qlo = Float.isInfinite(lo) ? 0 : Quantization.quantize(lo, yScale, yZp, QuantDType.QUINT8);
        int qhi = Float.isInfinite(hi) ? 255 : Quantization.quantize(hi, yScale, yZp, QuantDType.QUINT8);
        return new int[] {qlo, qhi};
    }

    private static Map<String, Attribute> withAttrs(Map<String, Attribute> base, Attribute... more) {
        Map<String, Attribute> m = new LinkedHashMap<>(base);
        for (Attribute a : more) m.put(a.name(), a);
        return m;
    }

    private void replace(List<Node> removed, Node added) {
        int at = g.nodes().indexOf(removed.get(0));
        for (Node r : removed) g.nodes().remove(r);
        g.nodes().add(Math.max(0, Math.min(at, g.nodes().size())), added);
        for (String o : added.outputs()) producer.put(o, added);
    }

    // ---------------------------------------------------------------- patterns

    private void lowerMatmulLike(Node n, String qop) {
        Act x = dqInput(n.input(0));
        if (x == null) return;
        ConstQ w = dqConst(n.input(1), ElemType.INT8);
        if (w == null) return;
        boolean conv = qop.equals("QConv");
        int biasIdx = 2;
        ConstQ b = null;
        if (n.hasInput(biasIdx)) {
            b = dqConst(n.input(biasIdx), ElemType.INT32);
            if (b == null) return;
        }
        if (!conv) {
            if (n.opType().equals("Gemm") && (n.attrInt("transA", 0) != 0 || n.attrFloat("alpha", 1f) != 1f
                    || (b != null && n.attrFloat("beta", 1f) != 1f))) return;
            if (w.data.rank() != 2) return;
            int outAxis = n.attrInt("transB", 0) != 0 ? 0 : 1;
            if (w.axis >= 0 && w.axis != outAxis) return;
        } else if (w.axis > 0) {
            return;
        }
        Node[] aq = activationThenQ(n.output(0));
        if (aq == null) return;
        float[] yp = perTensor(aq[1], ElemType.UINT8);
        int[] c = clamp(aq[0], yp[0], (int) yp[1]);
        List<String> ins = new ArrayList<>(List.of(x.q, constName(n.input(1))));
        if (b != null) ins.add(constName(n.input(biasIdx)));
        Map<String, Attribute> attrs = withAttrs(conv ? n.attributes() : Map.of(),
                Attribute.of(QAttrs.X_SCALE, x.scale), Attribute.of(QAttrs.X_ZP, (long) x.zp),
                Attribute.of(QAttrs.W_SCALES, w.scales), Attribute.of(QAttrs.Y_SCALE, yp[0]), Attribute.of(QAttrs.Y_ZP, (long) yp[1]),
                Attribute.of(QAttrs.CLIP_LO, (long) c[0]), Attribute.of(QAttrs.CLIP_HI, (long) c[1]));
        if (!conv && n.attrInt("transB", 0) != 0) attrs.put("transB", Attribute.of("transB", 1L));
        List<Node> removed = new ArrayList<>(List.of(n));
        if (aq[0] != null) removed.add(aq[0]);
        removed.add(aq[1]);
        replace(removed, new Node(n.name(), qop, QAttrs.DOMAIN, ins, List.of(aq[1].output(0)), attrs));
    }

    /** The quantized initializer behind a DequantizeLinear of a constant. */
    private String constName(String dqOutput) {
        return producer.get(dqOutput).input(0);
    }

    private void lowerAdd(Node n) {
        Act a = dqInput(n.input(0));
        Act b = dqInput(n.input(1));
        if (a == null || b == null) return;
        Node[] aq = activationThenQ(n.output(0));
        if (aq == null) return;
        float[] yp = perTensor(aq[1], ElemType.UINT8);
        int[] c = clamp(aq[0], yp[0], (int) yp[1]);
        Map<String, Attribute> attrs = withAttrs(Map.of(),
                Attribute.of(QAttrs.X_SCALE, a.scale), Attribute.of(QAttrs.X_ZP, (long) a.zp),
                Attribute.of(QAttrs.B_SCALE, b.scale), Attribute.of(QAttrs.B_ZP, (long) b.zp),
                Attribute.of(QAttrs.Y_SCALE, yp[0]), Attribute.of(QAttrs.Y_ZP, (long) yp[1]),
                Attribute.of(QAttrs.CLIP_LO, (long) c[0]), Attribute.of(QAttrs.CLIP_HI, (long) c[1]));
        List<Node> removed = new ArrayList<>(List.of(n));
        if (aq[0] != null) removed.add(aq[0]);
        removed.add(aq[1]);
        replace(removed, new Node(n.name(), "QAdd", QAttrs.DOMAIN, List.of(a.q, b.q), List.of(aq[1].output(0)), attrs));
    }

    private void lowerConcat(Node n) {
        List<String> ins = new ArrayList<>();
        float[] scales = new float[n.inputs().size()];
        long[] zps = new long[n.inputs().size()];
        for (int i = 0; i < n.inputs().size(); i++) {
            Act a = dqInput(n.input(i));
            if (a == null) return;
            ins.add(a.q);
            scales[i] = a.scale;
            zps[i] = a.zp;
        }
        Node q = soleQ(n.output(0));
        if (q == null) return;
        float[] yp = perTensor(q, ElemType.UINT8);
        Map<String, Attribute> attrs = withAttrs(n.attributes(), Attribute.of(QAttrs.IN_SCALES, scales), Attribute.of(QAttrs.IN_ZPS, zps),
                Attribute.of(QAttrs.Y_SCALE, yp[0]), Attribute.of(QAttrs.Y_ZP, (long) yp[1]));
        replace(List.of(n, q), new Node(n.name(), "QConcat", QAttrs.DOMAIN, ins, List.of(q.output(0)), attrs));
    }

    private void lowerUnary(Node n, String qop, boolean sameParams) {
        Act x = dqInput(n.input(0));
        if (x == null) return;
        if (n.outputs().size() > 1 && !n.output(1).isEmpty()) return;
        Node q = soleQ(n.output(0));
        if (q == null) return;
        float[] yp = perTensor(q, ElemType.UINT8);
        if (sameParams && (yp[0] != x.scale || (int) yp[1] != x.zp)) return;
        Map<String, Attribute> attrs = withAttrs(n.attributes(), Attribute.of(QAttrs.X_SCALE, x.scale), Attribute.of(QAttrs.X_ZP, (long) x.zp),
                Attribute.of(QAttrs.Y_SCALE, yp[0]), Attribute.of(QAttrs.Y_ZP, (long) yp[1]));
        replace(List.of(n, q), new Node(n.name(), qop, QAttrs.DOMAIN, List.of(x.q), List.of(q.output(0)), attrs));
    }

    private void lowerView(Node n) {
        Act x = dqInput(n.input(0));
        if (x == null) return;
        Node q = soleQ(n.output(0));
        if (q == null) return;
        float[] yp = perTensor(q, ElemType.UINT8);
        if (yp[0] != x.scale || (int) yp[1] != x.zp) return;
        List<String> ins = new ArrayList<>(n.inputs());
        ins.set(0, x.q);
        replace(List.of(n, q), new Node(n.name(), n.opType(), "", ins, List.of(q.output(0)), n.attributes()));
    }
}
