package org.quantlake.core.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One graph node. Immutable: graph rewrites replace nodes. A missing optional input is the empty string, as in ONNX.
 * Every node has a unique, non-empty name (the reader names unnamed nodes {@code OpType_index}).
 */
public final class Node {
    private final String name;
    private final String opType;
    private final String domain;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, Attribute> attrs;

    public Node(String name, String opType, String domain, List<String> inputs, List<String> outputs, Map<String, Attribute> attrs) {
        this.name = name;
        this.opType = opType;
        this.domain = domain == null || domain.equals("ai.onnx") ? "" : domain;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
    }

    public static Node of(String name, String opType, List<String> inputs, List<String> outputs, Attribute... attrs) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        for (Attribute a : attrs) m.put(a.name(), a);
        return new Node(name, opType, "", inputs, outputs, m);
    }

    public String name() { return name; }
    public String opType() { return opType; }
    /** Operator domain; "" is the default ONNX domain (ai.onnx). */
    public String domain() { return domain; }
    public List<String> inputs() { return inputs; }
    public List<String> outputs() { return outputs; }
    public Map<String, Attribute> attributes() { return attrs; }

    /** Input i, or "" when absent. */
    public String input(int i) { return i < inputs.size() ? inputs.get(i) : ""; }

    public boolean hasInput(int i) { return !input(i).isEmpty(); }

    public String output(int i) { return i < outputs.size() ? outputs.get(i) : ""; }

    public boolean has(String attr) { return attrs.containsKey(attr); }

    public Attribute attr(String attr) { return attrs.get(attr); }

    // The typed accessors below refuse an attribute of another type with a ModelException naming this node: the
    // type comes from the model file, so a mismatch is a broken model, not a programming error.

    public long attrInt(String attr, long dflt) { return attrs.containsKey(attr) ? typed(attr, Attribute.Kind.INT).i() : dflt; }

    public float attrFloat(String attr, float dflt) { return attrs.containsKey(attr) ? typed(attr, Attribute.Kind.FLOAT).f() : dflt; }

    public String attrString(String attr, String dflt) { return attrs.containsKey(attr) ? typed(attr, Attribute.Kind.STRING).s() : dflt; }

    /** An INTS attribute as int[], or {@code dflt} (may be null) when absent. */
    public int[] attrInts(String attr, int[] dflt) {
        if (!attrs.containsKey(attr)) return dflt;
        long[] l = typed(attr, Attribute.Kind.INTS).ints();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] < Integer.MIN_VALUE || l[i] > Integer.MAX_VALUE) {
                throw new ModelException("node " + describe() + ": attribute '" + attr + "' value " + l[i] + " is out of int range");
            }
            out[i] = (int) l[i];
        }
        return out;
    }

    public float[] attrFloats(String attr, float[] dflt) { return attrs.containsKey(attr) ? typed(attr, Attribute.Kind.FLOATS).floats() : dflt; }

    private Attribute typed(String attr, Attribute.Kind kind) {
        Attribute a = attrs.get(attr);
        if (a.kind() != kind) {
            throw new ModelException("node " + describe() + ": attribute '" + attr + "' is " + a.kind() + ", expected " + kind);
        }
        return a;
    }

    /** A copy with other inputs/outputs. */
    public Node withIO(List<String> newInputs, List<String> newOutputs) {
        return new Node(name, opType, domain, newInputs, newOutputs, attrs);
    }

    /** "name (OpType)" for messages. */
    public String describe() {
        return "'" + name + "' (" + (domain.isEmpty() ? "" : domain + ".") + opType + ")";
    }

    @Override
    public String toString() {
        return opType + " " + name + " " + inputs + " -> " + outputs + (attrs.isEmpty() ? "" : " " + attrs.values());
    }
}
