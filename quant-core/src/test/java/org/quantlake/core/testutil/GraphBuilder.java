package org.quantlake.core.testutil;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.quantlake.core.graph.Attribute;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.graph.ValueInfo;
import org.quantlake.core.onnx.OnnxModelWriter;

/**
 * A small fluent builder of test models: runtime inputs with shapes, initializers from seeded random data, nodes
 * with attributes, outputs and an opset. {@link #bytes()} goes through our own {@link OnnxModelWriter}, so every
 * model a differential test feeds to ONNX Runtime also checks the writer (and, read back, the reader).
 *
 * <pre>
 *   GraphBuilder b = new GraphBuilder(13);
 *   b.input("x", 2, 5, 7, 9).random("w", 4, 5, 3, 3);
 *   b.op("Conv", "x", "w").out("y").ints("pads", 1, 0, 2, 1);
 *   b.output("y");
 * </pre>
 */
public final class GraphBuilder {
    private final int opset;
    private final Random random;
    private final Map<String, int[]> inputs = new LinkedHashMap<>();
    private final Map<String, TensorData> initializers = new LinkedHashMap<>();
    private final List<Op> ops = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();
    private final Map<String, Integer> extraOpsets = new LinkedHashMap<>();
    private long irVersion = -1;

    /** A builder for ai.onnx {@code opset}; initializer data comes from a generator seeded with {@code seed}. */
    public GraphBuilder(int opset, long seed) {
        this.opset = opset;
        this.random = new Random(seed);
    }

    public GraphBuilder(int opset) {
        this(opset, 42);
    }

    public int opset() { return opset; }

    /** A float runtime input. */
    public GraphBuilder input(String name, int... dims) {
        inputs.put(name, dims.clone());
        return this;
    }

    /** Declared runtime inputs and their shapes, in order. */
    public Map<String, int[]> inputs() {
        Map<String, int[]> m = new LinkedHashMap<>();
        inputs.forEach((k, v) -> m.put(k, v.clone()));
        return m;
    }

    public GraphBuilder output(String... names) {
        outputs.addAll(Arrays.asList(names));
        return this;
    }

    public GraphBuilder init(String name, TensorData t) {
        initializers.put(name, t);
        return this;
    }

    /** A float initializer of standard normal values. */
    public GraphBuilder random(String name, int... dims) {
        return uniform(name, Float.NaN, Float.NaN, dims);
    }

    /** A float initializer uniform in [lo, hi) (standard normal when both are NaN). */
    public GraphBuilder uniform(String name, float lo, float hi, int... dims) {
        float[] v = new float[size(dims)];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.isNaN(lo) ? (float) random.nextGaussian() : lo + (hi - lo) * random.nextFloat();
        }
        return init(name, TensorData.ofFloats(dims, v));
    }

    /** A float initializer with the given values and dims. */
    public GraphBuilder floats(String name, int[] dims, float... values) {
        return init(name, TensorData.ofFloats(dims, values));
    }

    /** A 1-D INT64 initializer (shapes, axes, pads, indices). */
    public GraphBuilder longs(String name, long... values) {
        return init(name, TensorData.ofLongs(new int[] {values.length}, values));
    }

    /** A rank-0 INT64 initializer (a scalar index). */
    public GraphBuilder longScalar(String name, long value) {
        return init(name, TensorData.ofLongs(new int[0], new long[] {value}));
    }

    /** A rank-0 float initializer. */
    public GraphBuilder floatScalar(String name, float value) {
        return init(name, TensorData.scalar(value));
    }

    /** Imports another operator domain (for unknown-domain tests). */
    public GraphBuilder importDomain(String domain, int version) {
        extraOpsets.put(domain, version);
        return this;
    }

    public GraphBuilder irVersion(long v) {
        this.irVersion = v;
        return this;
    }

    /** Adds a node; name it, give it outputs and attributes on the returned {@link Op}. */
    public Op op(String opType, String... inputs) {
        Op o = new Op(opType, List.of(inputs), ops.size());
        ops.add(o);
        return o;
    }

    /** Standard normal float values for each runtime input, from a generator seeded with {@code seed}. */
    public Map<String, float[]> randomInputs(long seed) {
        Random r = new Random(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : inputs.entrySet()) {
            float[] v = new float[size(e.getValue())];
            for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
            m.put(e.getKey(), v);
        }
        return m;
    }

    public Graph build() {
        Graph g = new Graph().setName("test").setProducer("quantlake-tests", "0");
        // IR 7 covers opsets up to 14, 8 up to 18, 9 up to 20, 10 for 21 (ONNX's versioning table)
        g.setIrVersion(irVersion > 0 ? irVersion : opset <= 14 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10);
        g.opsets().put("", opset);
        g.opsets().putAll(extraOpsets);
        inputs.forEach((n, d) -> g.addInput(ValueInfo.of(n, ElemType.FLOAT, d)));
        initializers.forEach(g::addInitializer);
        for (Op o : ops) g.addNode(o.toNode());
        for (String o : outputs) g.addOutput(new ValueInfo(o, ElemType.FLOAT, null, null));
        return g;
    }

    /** The model as ONNX bytes, written by our writer. */
    public byte[] bytes() {
        return OnnxModelWriter.toBytes(build());
    }

    static int size(int[] dims) {
        int n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    /** One node under construction. */
    public static final class Op {
        private final String opType;
        private final List<String> inputs;
        private final Map<String, Attribute> attrs = new LinkedHashMap<>();
        private String name;
        private String domain = "";
        private List<String> outputs;

        Op(String opType, List<String> inputs, int index) {
            this.opType = opType;
            this.inputs = inputs;
            this.name = opType.toLowerCase() + "_" + index;
            this.outputs = List.of(name + "_out");
        }

        public Op name(String n) { this.name = n; return this; }

        public Op domain(String d) { this.domain = d; return this; }

        public Op out(String... names) { this.outputs = List.of(names); return this; }

        public Op attr(String n, long v) { attrs.put(n, Attribute.of(n, v)); return this; }

        public Op attr(String n, float v) { attrs.put(n, Attribute.of(n, v)); return this; }

        public Op attr(String n, String v) { attrs.put(n, Attribute.of(n, v)); return this; }

        public Op attr(String n, TensorData v) { attrs.put(n, Attribute.of(n, v)); return this; }

        public Op ints(String n, long... v) { attrs.put(n, Attribute.of(n, v)); return this; }

        public Op floats(String n, float... v) { attrs.put(n, Attribute.of(n, v)); return this; }

        /** The first output's name. */
        public String output() { return outputs.get(0); }

        Node toNode() {
            return new Node(name, opType, domain, inputs, outputs, attrs);
        }
    }
}
