package org.quantlake.core.ptq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quantlake.core.drift.TopK;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.engine.InferenceSession;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.ValueInfo;

/**
 * Which quantized activations cost a model the most. Each activation group (the tensors that share one scale and
 * zero point: one observer) is left in float32 in turn, by turning its DequantizeLinear nodes into Identity reads of
 * the float tensor, so that its producer and consumers run in float; the int8 engine then runs the sample, and the
 * output is compared with the float model's. Two reference rows bound the table: every activation quantized (the
 * model as exported) and none (weights only).
 *
 * <p>This is the diagnostic of ONNX Runtime's qdq_loss_debug or AIMET's per-layer analysis: it says where the error
 * comes from and how much of it is activation rounding at all, not how to remove it.
 */
public final class ActivationSensitivity {
    /** Samples per engine call: large enough to use the batched kernels, small enough to keep memory flat. */
    private static final int BATCH = 8;

    /** One configuration's output error: mean squared error over all output elements, and top-1 agreement. */
    public record Row(String label, List<String> tensors, double outputMse, double top1Agreement) {}

    /**
     * @param quantized every activation quantized (the exported model)
     * @param weightsOnly no activation quantized: what activation rounding costs in total is the difference
     * @param groups one row per activation group left in float, the costliest (lowest remaining error) first
     */
    public record Report(Row quantized, Row weightsOnly, List<Row> groups) {
        /** The share of the activation error ({@code quantized - weightsOnly}) that leaving {@code r} in float removes. */
        public double shareRemoved(Row r) {
            double total = quantized.outputMse - weightsOnly.outputMse;
            return total <= 0 ? 0 : (quantized.outputMse - r.outputMse) / total;
        }

        /** A fixed-width text table, one line per row. */
        public String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%-44s %12s %9s %10s%n", "activation left in float32", "output MSE", "top-1", "share"));
            for (Row r : rows()) {
                b.append(String.format(Locale.ROOT, "%-44s %12.4e %9.4f %9.1f%%%n", r.label, r.outputMse, r.top1Agreement, 100 * shareRemoved(r)));
            }
            return b.toString();
        }

        /** All rows: quantized, the groups (costliest first), weights only. */
        public List<Row> rows() {
            List<Row> all = new ArrayList<>();
            all.add(quantized);
            all.addAll(groups);
            all.add(weightsOnly);
            return all;
        }
    }

    private ActivationSensitivity() {}

    /** {@link #measure(QuantizedModel, Graph, List, String)} at the model's first output. */
    public static Report measure(QuantizedModel model, Graph floatGraph, List<float[]> samples) {
        return measure(model, floatGraph, samples, null);
    }

    /**
     * Measures {@code model} against {@code floatGraph} on {@code samples} (one input sample each, the model's first
     * input), comparing the value {@code compareAt}: a name both graphs hold (e.g. the logits before a Softmax, whose
     * probabilities hide small shifts), or null for the first output. Where the quantized graph quantizes that value,
     * its dequantized copy is compared, so exposing it does not stop the int8 lowering. The quantized graph is not
     * modified.
     */
    public static Report measure(QuantizedModel model, Graph floatGraph, List<float[]> samples, String compareAt) {
        if (samples.isEmpty()) throw new IllegalArgumentException("activation sensitivity needs at least one sample");
        Graph qdq = model.qdqGraph();
        Map<String, List<Node>> groups = activationGroups(qdq);
        if (groups.isEmpty()) throw new IllegalArgumentException(qdq.name() + ": no quantized activation (no QuantizeLinear of a runtime tensor)");
        String value = compareAt != null ? compareAt : qdq.outputs().get(0).name();
        float[][] reference = outputs(new CompiledModel(exposing(floatGraph, value)), value, samples);
        String qValue = dequantized(qdq, value);
        qdq = exposing(qdq, qValue);

        Row quantized = row("none (as exported)", List.of(), qdq, qValue, reference, samples);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<Node>> e : groups.entrySet()) {
            List<String> tensors = e.getValue().stream().map(q -> q.input(0)).toList();
            rows.add(row(String.join(", ", tensors), tensors, withoutQuantization(qdq, e.getValue()), qValue, reference, samples));
        }
        List<Node> all = new ArrayList<>();
        for (List<Node> g : groups.values()) all.addAll(g);
        Row weightsOnly = row("all (weights only)", List.of(), withoutQuantization(qdq, all), qValue, reference, samples);
        // stable: equal errors keep graph order
        rows.sort(Comparator.comparingDouble(Row::outputMse));
        return new Report(quantized, weightsOnly, List.copyOf(rows));
    }

    /**
     * Activation QuantizeLinear nodes grouped by their (scale, zero point) initializers, in graph order. Shared
     * observers (Concat inputs and output, MaxPool in and out) write one pair of initializers, so a group is what one
     * observer decided.
     */
    static Map<String, List<Node>> activationGroups(Graph qdq) {
        Map<String, List<Node>> groups = new LinkedHashMap<>();
        for (Node n : qdq.topologicalOrder()) {
            if (!n.opType().equals("QuantizeLinear") || qdq.isConstant(n.input(0))) continue;
            groups.computeIfAbsent(n.input(1) + "\u0000" + n.input(2), k -> new ArrayList<>()).add(n);
        }
        return groups;
    }

    /** A copy of {@code qdq} whose readers of {@code quantizers}' outputs read the float tensors instead. */
    static Graph withoutQuantization(Graph qdq, List<Node> quantizers) {
        Graph g = qdq.copy();
        Map<String, String> floatOf = new LinkedHashMap<>();
        for (Node q : quantizers) floatOf.put(q.output(0), q.input(0));
        List<Node> nodes = g.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            String f = n.opType().equals("DequantizeLinear") ? floatOf.get(n.input(0)) : null;
            if (f != null) nodes.set(i, new Node(n.name(), "Identity", "", List.of(f), List.of(n.output(0)), Map.of()));
        }
        g.removeDeadNodes();
        return g;
    }

    /** The output of the DequantizeLinear that reads {@code value}'s QuantizeLinear, or {@code value} when it is not quantized. */
    private static String dequantized(Graph qdq, String value) {
        for (Node q : qdq.consumers(value)) {
            if (!q.opType().equals("QuantizeLinear")) continue;
            for (Node dq : qdq.consumers(q.output(0))) if (dq.opType().equals("DequantizeLinear")) return dq.output(0);
        }
        return value;
    }

    /** {@code g}, or a copy with {@code value} added as an output; an error naming the value when no node writes it. */
    private static Graph exposing(Graph g, String value) {
        for (ValueInfo o : g.outputs()) if (o.name().equals(value)) return g;
        if (g.producer(value) == null) throw new IllegalArgumentException(g.name() + ": no node writes the value '" + value + "' to compare at");
        Graph c = g.copy();
        c.addOutput(new ValueInfo(value, ElemType.FLOAT, null, null));
        return c;
    }

    private static Row row(String label, List<String> tensors, Graph qdq, String value, float[][] reference, List<float[]> samples) {
        float[][] out = outputs(QuantizedModel.int8Engine(qdq), value, samples);
        double sq = 0;
        long n = 0;
        int agree = 0;
        for (int s = 0; s < out.length; s++) {
            float[] a = out[s];
            float[] r = reference[s];
            for (int j = 0; j < a.length; j++) {
                double d = (double) a[j] - r[j];
                sq += d * d;
            }
            n += a.length;
            if (TopK.argmax(a, 0, a.length) == TopK.argmax(r, 0, r.length)) agree++;
        }
        return new Row(label, List.copyOf(tensors), sq / n, (double) agree / out.length);
    }

    /** The value {@code value} of {@code model}, one array per sample. */
    private static float[][] outputs(CompiledModel model, String value, List<float[]> samples) {
        InferenceSession session = model.newSession();
        int per = samples.get(0).length;
        float[][] out = new float[samples.size()][];
        for (int from = 0; from < samples.size(); from += BATCH) {
            int to = Math.min(samples.size(), from + BATCH);
            float[] batch = new float[(to - from) * per];
            for (int i = from; i < to; i++) {
                float[] x = samples.get(i);
                if (x.length != per) throw new IllegalArgumentException("sample " + i + " has " + x.length + " values, sample 0 has " + per);
                System.arraycopy(x, 0, batch, (i - from) * per, per);
            }
            float[] o = session.run(Map.of(model.inputName(), batch), to - from).get(value);
            int size = o.length / (to - from);
            for (int i = from; i < to; i++) out[i] = Arrays.copyOfRange(o, (i - from) * size, (i - from + 1) * size);
        }
        return out;
    }
}
