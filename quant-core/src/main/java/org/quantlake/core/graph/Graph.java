package org.quantlake.core.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory ONNX graph: runtime inputs, outputs, nodes, constant initializers, declared value infos, opset
 * imports and model metadata. Mutable, for rewrites (fusion, quantization); {@link #validate()} checks the
 * invariants every consumer relies on and {@link #topologicalOrder()} orders nodes.
 */
public final class Graph {
    private String name = "graph";
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, TensorData> initializers = new LinkedHashMap<>();
    private final Map<String, ValueInfo> valueInfos = new LinkedHashMap<>();
    private final Map<String, Integer> opsets = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private long irVersion = 8;
    private String producerName = "";
    private String producerVersion = "";
    private String source = "<memory>";

    public String name() { return name; }
    public Graph setName(String n) { this.name = n; return this; }

    /** Runtime inputs (initializers listed as inputs by old exporters are not included). */
    public List<ValueInfo> inputs() { return inputs; }
    public List<ValueInfo> outputs() { return outputs; }
    public List<Node> nodes() { return nodes; }
    public Map<String, TensorData> initializers() { return initializers; }
    public Map<String, ValueInfo> valueInfos() { return valueInfos; }
    /** Opset version per domain ("" = ai.onnx). */
    public Map<String, Integer> opsets() { return opsets; }
    public Map<String, String> metadata() { return metadata; }

    public long irVersion() { return irVersion; }
    public Graph setIrVersion(long v) { this.irVersion = v; return this; }
    public String producerName() { return producerName; }
    public String producerVersion() { return producerVersion; }
    public Graph setProducer(String n, String v) { this.producerName = n; this.producerVersion = v; return this; }

    /** Where the graph came from (a file path, or "&lt;memory&gt;"), for messages. */
    public String source() { return source; }
    public Graph setSource(String s) { this.source = s; return this; }

    /** The ai.onnx opset version (defaults to 1 when not imported, which {@link #validate()} refuses). */
    public int opset() { return opsets.getOrDefault("", 1); }

    public Graph addInput(ValueInfo v) { inputs.add(v); return this; }
    public Graph addOutput(ValueInfo v) { outputs.add(v); return this; }
    public Graph addNode(Node n) { nodes.add(n); return this; }
    public Graph addInitializer(String n, TensorData t) { initializers.put(n, t); return this; }

    public boolean isConstant(String value) { return initializers.containsKey(value); }

    public ValueInfo input(String n) {
        for (ValueInfo v : inputs) if (v.name().equals(n)) return v;
        return null;
    }

    /** The node producing {@code value}, or null (graph inputs, initializers). */
    public Node producer(String value) {
        for (Node n : nodes) if (n.outputs().contains(value)) return n;
        return null;
    }

    /** Nodes reading {@code value}, in graph order. */
    public List<Node> consumers(String value) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) if (n.inputs().contains(value)) out.add(n);
        return out;
    }

    public boolean isGraphOutput(String value) {
        for (ValueInfo v : outputs) if (v.name().equals(value)) return true;
        return false;
    }

    public Node node(String nodeName) {
        for (Node n : nodes) if (n.name().equals(nodeName)) return n;
        return null;
    }

    /**
     * Checks: unique graph input and output names, unique non-empty node names, each value produced once, every
     * node input produced by a node, a graph input or an initializer, every graph output produced, no cycles.
     * Throws {@link ModelException} naming the first problem found.
     */
    public void validate() {
        Set<String> names = new HashSet<>();
        Map<String, String> producedBy = new HashMap<>();
        for (ValueInfo v : inputs) {
            if (producedBy.put(v.name(), "graph input") != null) {
                throw new ModelException(source + ": graph input '" + v.name() + "' is listed twice");
            }
        }
        Set<String> outputNames = new HashSet<>();
        for (ValueInfo v : outputs) {
            if (!outputNames.add(v.name())) throw new ModelException(source + ": graph output '" + v.name() + "' is listed twice");
        }
        for (String i : initializers.keySet()) {
            if (producedBy.containsKey(i)) {
                throw new ModelException(source + ": '" + i + "' is both a runtime input and an initializer");
            }
            producedBy.put(i, "initializer");
        }
        for (Node n : nodes) {
            if (n.name().isEmpty() || !names.add(n.name())) {
                throw new ModelException(source + ": node name '" + n.name() + "' is empty or not unique");
            }
            for (String o : n.outputs()) {
                if (o.isEmpty()) continue;
                String prev = producedBy.put(o, "node " + n.describe());
                if (prev != null) {
                    throw new ModelException(source + ": value '" + o + "' is produced twice: by " + prev + " and by node " + n.describe());
                }
            }
        }
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                if (!in.isEmpty() && !producedBy.containsKey(in)) {
                    throw new ModelException(source + ": node " + n.describe() + " reads '" + in
                            + "', which no node, graph input or initializer provides (missing initializer?)");
                }
            }
        }
        for (ValueInfo o : outputs) {
            if (!producedBy.containsKey(o.name())) {
                throw new ModelException(source + ": graph output '" + o.name() + "' is never produced");
            }
        }
        topologicalOrder();
    }

    /**
     * Nodes in a topological order, stable (ties keep graph order). Throws {@link ModelException} naming the
     * nodes of a cycle when there is one.
     */
    public List<Node> topologicalOrder() {
        Map<String, Integer> producerIndex = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String o : nodes.get(i).outputs()) if (!o.isEmpty()) producerIndex.put(o, i);
        }
        int n = nodes.size();
        int[] pending = new int[n];
        List<List<Integer>> dependents = new ArrayList<>();
        for (int i = 0; i < n; i++) dependents.add(new ArrayList<>());
        for (int i = 0; i < n; i++) {
            Set<Integer> deps = new HashSet<>();
            for (String in : nodes.get(i).inputs()) {
                Integer p = producerIndex.get(in);
                if (p != null && deps.add(p)) dependents.get(p).add(i);
            }
            pending[i] = deps.size();
        }
        java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
        for (int i = 0; i < n; i++) if (pending[i] == 0) ready.add(i);
        List<Node> order = new ArrayList<>(n);
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(nodes.get(i));
            for (int d : dependents.get(i)) if (--pending[d] == 0) ready.add(d);
        }
        if (order.size() != n) throw new ModelException(source + ": graph has a cycle: " + describeCycle(pending, producerIndex));
        return order;
    }

    private String describeCycle(int[] pending, Map<String, Integer> producerIndex) {
        // walk back from a stuck node through stuck producers until a node repeats
        int start = -1;
        for (int i = 0; i < pending.length; i++) if (pending[i] > 0) { start = i; break; }
        List<Integer> path = new ArrayList<>();
        Map<Integer, Integer> seenAt = new HashMap<>();
        int cur = start;
        while (cur >= 0 && !seenAt.containsKey(cur)) {
            seenAt.put(cur, path.size());
            path.add(cur);
            int next = -1;
            for (String in : nodes.get(cur).inputs()) {
                Integer p = producerIndex.get(in);
                if (p != null && pending[p] > 0) { next = p; break; }
            }
            cur = next;
        }
        if (cur < 0) return "through node " + nodes.get(start).describe();
        List<Integer> cycle = new ArrayList<>(path.subList(seenAt.get(cur), path.size()));
        Collections.reverse(cycle);
        StringBuilder sb = new StringBuilder();
        for (int i : cycle) sb.append(nodes.get(i).describe()).append(" -> ");
        return sb.append(nodes.get(cycle.get(0)).describe()).toString();
    }

    /** Removes nodes whose outputs nobody reads (not graph outputs), repeatedly, and unused initializers. */
    public void removeDeadNodes() {
        boolean changed = true;
        while (changed) {
            changed = false;
            Set<String> used = new HashSet<>();
            for (Node n : nodes) used.addAll(n.inputs());
            for (ValueInfo o : outputs) used.add(o.name());
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node n = nodes.get(i);
                boolean live = false;
                for (String o : n.outputs()) if (!o.isEmpty() && used.contains(o)) { live = true; break; }
                if (!live) {
                    nodes.remove(i);
                    changed = true;
                }
            }
        }
        Set<String> used = new HashSet<>();
        for (Node n : nodes) used.addAll(n.inputs());
        for (ValueInfo o : outputs) used.add(o.name());
        initializers.keySet().removeIf(k -> !used.contains(k));
    }

    /** Replaces every read of {@code from} by {@code to} (node inputs and graph outputs keep their names: outputs are renamed by the caller). */
    public void replaceUses(String from, String to) {
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (!n.inputs().contains(from)) continue;
            List<String> ins = new ArrayList<>(n.inputs());
            ins.replaceAll(s -> s.equals(from) ? to : s);
            nodes.set(i, n.withIO(ins, n.outputs()));
        }
    }

    /** A deep-enough copy: lists and maps are new; nodes, tensors and value infos are shared (immutable). */
    public Graph copy() {
        Graph g = new Graph();
        g.name = name;
        g.inputs.addAll(inputs);
        g.outputs.addAll(outputs);
        g.nodes.addAll(nodes);
        g.initializers.putAll(initializers);
        g.valueInfos.putAll(valueInfos);
        g.opsets.putAll(opsets);
        g.metadata.putAll(metadata);
        g.irVersion = irVersion;
        g.producerName = producerName;
        g.producerVersion = producerVersion;
        g.source = source;
        return g;
    }

    /** A fresh value name based on {@code base} that no node, input or initializer uses yet. */
    public String freshName(String base) {
        Set<String> taken = new HashSet<>(initializers.keySet());
        for (ValueInfo v : inputs) taken.add(v.name());
        for (Node n : nodes) { taken.addAll(n.outputs()); taken.add(n.name()); }
        if (!taken.contains(base)) return base;
        for (int i = 1; ; i++) if (!taken.contains(base + "_" + i)) return base + "_" + i;
    }

}
