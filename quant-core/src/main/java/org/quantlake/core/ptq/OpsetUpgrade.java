package org.quantlake.core.ptq;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.engine.Plan;
import org.quantlake.core.graph.Attribute;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;

/**
 * Rewrites a graph of the supported ops from its ai.onnx opset (7 or later) to a newer one, so per-channel
 * DequantizeLinear (which needs the {@code axis} attribute of opset 13) can be used on old exports such as the
 * opset-7 SqueezeNet (ONNX Runtime's own quantizer fails on it without a manual upgrade). Changes made:
 * Clip min/max attributes become inputs (opset 11); Pad's pads/value attributes become inputs (11); Slice's
 * attributes become inputs (10); Squeeze/Unsqueeze axes become an input (13); Softmax's 2-D coercion (before 13)
 * is made explicit with Flatten + Softmax + Reshape unless the two meanings coincide; BatchNormalization loses the
 * attributes later opsets removed; Dropout becomes Identity.
 */
public final class OpsetUpgrade {
    private OpsetUpgrade() {}

    /** An upgraded copy; returns {@code g} itself when it is already at {@code target} or newer. */
    public static Graph upgrade(Graph g, int target) {
        int from = g.opset();
        if (from >= target) return g;
        Graph u = g.copy();
        Plan shapes = null;
        List<Node> out = new ArrayList<>();
        for (Node n : u.nodes()) {
            if (!n.domain().isEmpty()) {
                out.add(n);
                continue;
            }
            switch (n.opType()) {
                case "Clip" -> out.add(from < 11 ? clip(u, n) : n);
                case "Pad" -> out.add(from < 11 ? pad(u, n) : n);
                case "Slice" -> out.add(from < 10 ? slice(u, n) : n);
                case "Squeeze", "Unsqueeze" -> out.add(from < 13 ? axesToInput(u, n) : n);
                case "BatchNormalization" -> out.add(without(n, "spatial", "is_test", "consumed_inputs"));
                case "Dropout" -> out.add(new Node(n.name(), "Identity", "", List.of(n.input(0)), List.of(n.output(0)), Map.of()));
                case "Softmax", "LogSoftmax" -> {
                    if (from >= 13) {
                        out.add(n);
                        break;
                    }
                    if (shapes == null) shapes = new CompiledModel(g).plan(1);
                    out.addAll(softmax(u, n, shapes.shape(n.input(0))));
                }
                default -> out.add(n);
            }
        }
        u.nodes().clear();
        u.nodes().addAll(out);
        u.opsets().put("", target);
        u.setIrVersion(Math.max(u.irVersion(), 7));
        u.validate();
        return u;
    }

    private static Node without(Node n, String... attrs) {
        Map<String, Attribute> a = new LinkedHashMap<>(n.attributes());
        for (String s : attrs) a.remove(s);
        return new Node(n.name(), n.opType(), n.domain(), n.inputs(), n.outputs(), a);
    }

    private static String scalar(Graph g, String base, float v) {
        String name = g.freshName(base);
        g.addInitializer(name, TensorData.scalar(v));
        return name;
    }

    private static String longs(Graph g, String base, long[] v) {
        String name = g.freshName(base);
        g.addInitializer(name, TensorData.ofLongs(new int[] {v.length}, v));
        return name;
    }

    private static Node clip(Graph g, Node n) {
        List<String> ins = new ArrayList<>(List.of(n.input(0)));
        ins.add(n.has("min") ? scalar(g, n.name() + "_min", n.attrFloat("min", 0)) : "");
        ins.add(n.has("max") ? scalar(g, n.name() + "_max", n.attrFloat("max", 0)) : "");
        while (ins.get(ins.size() - 1).isEmpty()) ins.remove(ins.size() - 1);
        return new Node(n.name(), "Clip", "", ins, n.outputs(), Map.of());
    }

    private static Node pad(Graph g, Node n) {
        Attribute p = n.has("pads") ? n.attr("pads") : n.attr("paddings");
        List<String> ins = new ArrayList<>(List.of(n.input(0), longs(g, n.name() + "_pads", p.ints())));
        if (n.has("value")) ins.add(scalar(g, n.name() + "_value", n.attrFloat("value", 0)));
        Map<String, Attribute> a = new LinkedHashMap<>();
        if (n.has("mode")) a.put("mode", n.attr("mode"));
        return new Node(n.name(), "Pad", "", ins, n.outputs(), a);
    }

    private static Node slice(Graph g, Node n) {
        List<String> ins = new ArrayList<>(List.of(n.input(0), longs(g, n.name() + "_starts", n.attr("starts").ints()),
                longs(g, n.name() + "_ends", n.attr("ends").ints())));
        if (n.has("axes")) ins.add(longs(g, n.name() + "_axes", n.attr("axes").ints()));
        return new Node(n.name(), "Slice", "", ins, n.outputs(), Map.of());
    }

    private static Node axesToInput(Graph g, Node n) {
        if (!n.has("axes")) return without(n);
        List<String> ins = List.of(n.input(0), longs(g, n.name() + "_axes", n.attr("axes").ints()));
        return new Node(n.name(), n.opType(), "", ins, n.outputs(), Map.of());
    }

    /** Old Softmax normalises over the flattened dims [axis, rank); opset 13 over dim axis alone. */
    private static List<Node> softmax(Graph g, Node n, int[] shape) {
        int rank = shape.length;
        int axis = (int) n.attrInt("axis", 1);
        if (axis < 0) axis += rank;
        boolean same = true;
        for (int d = axis + 1; d < rank; d++) if (shape[d] != 1) same = false;
        Map<String, Attribute> a = new LinkedHashMap<>();
        if (same) {
            a.put("axis", Attribute.of("axis", (long) axis));
            return List.of(new Node(n.name(), n.opType(), "", n.inputs(), n.outputs(), a));
        }
        String flat = g.freshName(n.name() + "_2d");
        String soft = g.freshName(n.name() + "_2d_out");
        long[] back = new long[rank];
        back[0] = 0;  // Reshape copies dim 0 (the batch) from the input
        for (int d = 1; d < rank; d++) back[d] = shape[d];
        Node f = new Node(flat, "Flatten", "", List.of(n.input(0)), List.of(flat + "_out"), Map.of("axis", Attribute.of("axis", (long) axis)));
        a.put("axis", Attribute.of("axis", 1L));
        Node s = new Node(n.name(), n.opType(), "", List.of(flat + "_out"), List.of(soft), a);
        Node r = new Node(g.freshName(n.name() + "_reshape"), "Reshape", "", List.of(soft, longs(g, n.name() + "_shape", back)), n.outputs(), Map.of());
        return List.of(f, s, r);
    }
}
