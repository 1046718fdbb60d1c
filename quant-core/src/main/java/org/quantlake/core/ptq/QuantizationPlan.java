package org.quantlake.core.ptq;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.observe.InputGram;

/**
 * Decides, for a fused float graph and a {@link QConfig}, which nodes run in int8 and where the quantization points
 * are. A quantization point is a float value that gets QuantizeLinear + DequantizeLinear in the exported model and
 * an observer during calibration.
 *
 * <ul>
 *   <li>Quantized ops: Conv and Gemm with constant weights, Add of two runtime values, Concat, MaxPool,
 *       AveragePool, GlobalAveragePool, and the views (Reshape, Flatten, Squeeze, Unsqueeze) of quantized values.
 *       Everything else, and every excluded node, runs in float32 between a DequantizeLinear and a QuantizeLinear.</li>
 *   <li>A Relu or Clip that is the only reader of a Conv/Gemm/Add output is fused: the quantization point moves to
 *       its output and the int8 kernel clamps.</li>
 *   <li>Values whose scales must match share one observer (a group): Concat inputs and output, MaxPool input and
 *       output, a view's input and output. A group's id is its earliest value in topological order, so every JVM
 *       derives the same ids from the same model.</li>
 * </ul>
 */
public final class QuantizationPlan {
    /** One shared observer: the values it watches, and the calibration method that applies. */
    public record Group(String id, List<String> values, CalibrationMethod method) {}

    private static final Set<String> VIEWS = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze");
    private static final Set<String> SHARING = Set.of("Concat", "MaxPool", "Reshape", "Flatten", "Squeeze", "Unsqueeze");

    private final Graph graph;
    private final QConfig config;
    private final Map<String, String> fusedActivation = new LinkedHashMap<>();   // compute node -> Relu/Clip node
    private final Set<String> quantizedNodes = new TreeSet<>();
    private final Map<String, Group> groupOfValue = new HashMap<>();
    private final Map<String, Group> groups = new TreeMap<>();
    private final Map<String, InputColumns> gptqLayers = new TreeMap<>();  // by node name

    private QuantizationPlan(Graph graph, QConfig config) {
        this.graph = graph;
        this.config = config;
    }

    /** Plans quantization of an already fused graph (see {@link Fusion#fuse}). */
    public static QuantizationPlan of(Graph fused, QConfig config) {
        QuantizationPlan p = new QuantizationPlan(fused, config);
        p.build();
        return p;
    }

    public Graph graph() { return graph; }

    public QConfig config() { return config; }

    /** Groups by id (sorted). */
    public Map<String, Group> groups() { return Collections.unmodifiableMap(groups); }

    /** The group of a quantization point, or null. */
    public Group groupOf(String value) { return groupOfValue.get(value); }

    public boolean isQuantized(String nodeName) { return quantizedNodes.contains(nodeName); }

    public Set<String> quantizedNodes() { return Collections.unmodifiableSet(quantizedNodes); }

    /** The Relu/Clip node fused into a compute node, or null. */
    public Node fusedActivation(Node compute) {
        String a = fusedActivation.get(compute.name());
        return a == null ? null : graph.node(a);
    }

    /**
     * True when calibration takes a second pass over the data: some group calibrates with a histogram, or some layer
     * rounds its weights with GPTQ (its input Hessian is gathered on a grid fixed by the pass-1 ranges).
     */
    public boolean needsSecondPass() {
        for (Group g : groups.values()) if (g.method.usesHistogram()) return true;
        return !gptqLayers.isEmpty();
    }

    /**
     * The quantized layers whose weights GPTQ rounds (sorted names): Conv with group 1 and Gemm, whose config asks
     * for {@link WeightRounding#GPTQ} and whose inputs per output channel fit an {@link InputGram}.
     */
    public Set<String> gptqNodes() { return Collections.unmodifiableSet(gptqLayers.keySet()); }

    /** The input columns of each layer GPTQ rounds, in node name order (what the calibrator feeds its Gram matrices). */
    java.util.Collection<InputColumns> gptqLayers() { return Collections.unmodifiableCollection(gptqLayers.values()); }

    private void build() {
        List<Node> order = graph.topologicalOrder();
        Map<String, Integer> position = new HashMap<>();
        for (var in : graph.inputs()) position.put(in.name(), -1);
        for (int i = 0; i < order.size(); i++) for (String o : order.get(i).outputs()) position.put(o, i);

        // 1. which nodes run in int8, and their fused activations
        Set<String> quantizedValues = new java.util.HashSet<>();  // float values that will carry Q/DQ
        for (Node n : order) {
            if (!n.domain().isEmpty() || config.isExcluded(n.name(), n.opType())) continue;
            boolean q = switch (n.opType()) {
                case "Conv" -> graph.isConstant(n.input(1)) && (!n.hasInput(2) || graph.isConstant(n.input(2)));
                case "Gemm" -> graph.isConstant(n.input(1)) && graph.initializers().get(n.input(1)).rank() == 2
                        && n.attrInt("transA", 0) == 0 && n.attrFloat("alpha", 1f) == 1f
                        && (!n.hasInput(2) || (graph.isConstant(n.input(2)) && n.attrFloat("beta", 1f) == 1f
                            && isRow(graph.initializers().get(n.input(2)), graph.initializers().get(n.input(1)), n)));
                case "Add" -> !graph.isConstant(n.input(0)) && !graph.isConstant(n.input(1));
                case "Concat" -> allRuntime(n);
                case "MaxPool", "AveragePool", "GlobalAveragePool" -> true;
                default -> VIEWS.contains(n.opType()) && quantizedValues.contains(n.input(0));
            };
            if (!q) continue;
            quantizedNodes.add(n.name());
            String out = n.output(0);
            if (n.opType().equals("Conv") || n.opType().equals("Gemm") || n.opType().equals("Add")) {
                Node act = Fusion.soleConsumer(graph, out);
                if (act != null && isFusableActivation(act) && !config.isExcluded(act.name(), act.opType())) {
                    fusedActivation.put(n.name(), act.name());
                    out = act.output(0);
                }
            }
            for (String in : activationInputs(n)) quantizedValues.add(in);
            quantizedValues.add(out);
        }
        // 2. groups: union-find over values that must share scales
        Map<String, String> parent = new HashMap<>();
        for (String v : quantizedValues) parent.put(v, v);
        for (Node n : order) {
            if (!quantizedNodes.contains(n.name()) || !SHARING.contains(n.opType())) continue;
            for (String in : activationInputs(n)) union(parent, position, in, n.output(0));
        }
        Map<String, List<String>> members = new TreeMap<>();
        List<String> sorted = new ArrayList<>(quantizedValues);
        sorted.sort((a, b) -> Integer.compare(position.getOrDefault(a, -1), position.getOrDefault(b, -1)) != 0
                ? Integer.compare(position.getOrDefault(a, -1), position.getOrDefault(b, -1)) : a.compareTo(b));
        for (String v : sorted) members.computeIfAbsent(find(parent, position, v), k -> new ArrayList<>()).add(v);
        for (Map.Entry<String, List<String>> e : members.entrySet()) {
            Group g = new Group(e.getKey(), List.copyOf(e.getValue()), methodFor(e.getValue()));
            groups.put(g.id(), g);
            for (String v : e.getValue()) groupOfValue.put(v, g);
        }
        // 3. layers whose weights GPTQ rounds
        for (Node n : order) {
            if (!quantizedNodes.contains(n.name())) continue;
            if (config.forNode(n.name(), n.opType()).weightRounding() != WeightRounding.GPTQ) continue;
            boolean layer = (n.opType().equals("Conv") && n.attrInt("group", 1) == 1) || n.opType().equals("Gemm");
            if (!layer) continue;
            InputColumns columns = new InputColumns(graph, n);
            if (columns.columnLength() <= InputGram.MAX_K) gptqLayers.put(n.name(), columns);
        }
    }

    private static boolean isRow(TensorData c, TensorData b, Node gemm) {
        int n = gemm.attrInt("transB", 0) != 0 ? b.dim(0) : b.dim(1);
        return c.size() == n || c.size() == 1;
    }

    private boolean allRuntime(Node n) {
        for (String in : n.inputs()) if (in.isEmpty() || graph.isConstant(in)) return false;
        return true;
    }

    /** Relu, or Clip whose bounds are attributes or constants (the int8 kernel clamps to them). */
    private boolean isFusableActivation(Node act) {
        if (!act.domain().isEmpty()) return false;
        if (act.opType().equals("Relu")) return true;
        if (!act.opType().equals("Clip")) return false;
        for (int i = 1; i < act.inputs().size(); i++) {
            if (act.hasInput(i) && !graph.isConstant(act.input(i))) return false;
        }
        return true;
    }

    /** The runtime float inputs a quantized node reads as activations (weights and biases excluded). */
    List<String> activationInputs(Node n) {
        return switch (n.opType()) {
            case "Conv", "Gemm", "MaxPool", "AveragePool", "GlobalAveragePool", "Reshape", "Flatten", "Squeeze", "Unsqueeze" -> List.of(n.input(0));
            default -> {
                List<String> r = new ArrayList<>();
                for (String in : n.inputs()) if (!in.isEmpty() && !graph.isConstant(in)) r.add(in);
                yield r;
            }
        };
    }

    /** The value a quantized node's result is quantized at (its fused activation's output, if any). */
    public String quantizedOutput(Node n) {
        Node act = fusedActivation(n);
        return act == null ? n.output(0) : act.output(0);
    }

    /** The calibration method of a group: a node override on any producer of its values, else the global one. */
    private CalibrationMethod methodFor(List<String> values) {
        for (String v : values) {
            Node p = graph.producer(v);
            if (p == null) continue;
            QConfig c = config.forNode(p.name(), p.opType());
            if (c != config) return c.method();
        }
        return config.method();
    }

    private static String find(Map<String, String> parent, Map<String, Integer> pos, String v) {
        String r = v;
        while (!parent.get(r).equals(r)) r = parent.get(r);
        String c = v;
        while (!parent.get(c).equals(r)) {
            String next = parent.get(c);
            parent.put(c, r);
            c = next;
        }
        return r;
    }

    /** Unites two values; the root is the earlier value in topological order (ties by name), keeping ids stable. */
    private static void union(Map<String, String> parent, Map<String, Integer> pos, String a, String b) {
        String ra = find(parent, pos, a);
        String rb = find(parent, pos, b);
        if (ra.equals(rb)) return;
        int pa = pos.getOrDefault(ra, -1);
        int pb = pos.getOrDefault(rb, -1);
        boolean aFirst = pa < pb || (pa == pb && ra.compareTo(rb) < 0);
        if (aFirst) parent.put(rb, ra);
        else parent.put(ra, rb);
    }
}
