package org.quantlake.core.ptq;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quantlake.core.graph.Attribute;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.observe.InputGram;
import org.quantlake.core.observe.PerChannelMinMaxObserver;
import org.quantlake.core.observe.MinMaxObserver;
import org.quantlake.core.quant.QParams;
import org.quantlake.core.quant.QParamsCalculator;
import org.quantlake.core.quant.QuantDType;
import org.quantlake.core.quant.QuantSpec;
import org.quantlake.core.quant.Quantization;
import org.quantlake.core.tensor.FloatTensor;

/**
 * Turns a planned float graph plus calibrated statistics into a standard ONNX QDQ graph:
 * <ul>
 *   <li>weights of quantized Conv/Gemm become int8 initializers (per channel on the output-channel axis by default,
 *       symmetric [-127, 127]) behind a DequantizeLinear;</li>
 *   <li>biases become int32 initializers with {@code scale[c] = in_scale * w_scale[c]} (float32) and zero point 0,
 *       behind a DequantizeLinear;</li>
 *   <li>every quantization point {@code v} becomes {@code v -> QuantizeLinear -> DequantizeLinear} with its group's
 *       (scale, zero point); every reader of {@code v} reads the dequantized value; graph outputs keep their names;</li>
 *   <li>the opset is raised to at least 13 (per-axis DequantizeLinear) and provenance is recorded in metadata.</li>
 * </ul>
 * ONNX Runtime fuses these patterns into its integer kernels; our int8 engine lowers the same file
 * ({@code qdq.QdqLowering}), so the exported artifact is exactly what both run.
 */
public final class Converter {
    /** Opset of exported models (or the source's, if newer). */
    public static final int MIN_EXPORT_OPSET = 13;

    private final QuantizationPlan plan;
    private final CalibratedStats stats;
    private Graph g;
    private final Map<String, String[]> groupParams = new LinkedHashMap<>();  // group -> {scale, zp} initializer names

    private Converter(QuantizationPlan plan, CalibratedStats stats) {
        this.plan = plan;
        this.stats = stats;
    }

    public static Graph toQdq(QuantizationPlan plan, CalibratedStats stats, Map<String, String> provenance) {
        Converter c = new Converter(plan, stats);
        return c.convert(provenance);
    }

    private Graph convert(Map<String, String> provenance) {
        g = plan.graph().copy();
        for (Node n : new ArrayList<>(g.nodes())) {
            if (!plan.isQuantized(n.name())) continue;
            if (n.opType().equals("Conv")) quantizeWeights(n, 0, 2);
            else if (n.opType().equals("Gemm")) quantizeWeights(n, n.attrInt("transB", 0) != 0 ? 0 : 1, 2);
        }
        for (QuantizationPlan.Group grp : plan.groups().values()) {
            for (String v : grp.values()) insertQdq(v, grp.id());
        }
        g.removeDeadNodes();  // drops the float weights and biases the quantized ones replaced
        Graph up = OpsetUpgrade.upgrade(g, Math.max(MIN_EXPORT_OPSET, g.opset()));
        up.metadata().putAll(provenance);
        up.validate();
        return up;
    }

    private String sanitize(String s) {
        return s.replaceAll("[^A-Za-z0-9_./-]", "_");
    }

    /** Quantizes input 1 (weights) per output channel on {@code axis} and input {@code biasIdx} (bias) to int32. */
    private void quantizeWeights(Node n, int axis, int biasIdx) {
        QConfig cfg = plan.config().forNode(n.name(), n.opType());
        TensorData w = g.initializers().get(n.input(1));
        QuantSpec spec = cfg.weightSpec(axis);
        QParams wq;
        if (spec.scheme().isPerChannel()) {
            PerChannelMinMaxObserver o = new PerChannelMinMaxObserver(axis);
            o.observe(new FloatTensor(w.floats(), w.dims()));
            wq = QParamsCalculator.fromRange(o.observedRange(), spec);
        } else {
            MinMaxObserver o = new MinMaxObserver();
            o.observe(new FloatTensor(w.floats(), w.dims()));
            wq = QParamsCalculator.fromRange(o.observedRange(), spec);
        }
        InputGram gram = stats.inputGram(n.name());
        byte[] wBytes = gram == null ? Quantization.quantize(w.floats(), w.dims(), wq) : gptq(n, w, axis, wq, gram);
        String base = sanitize(n.name());
        String wName = g.freshName(base + "_weight_quantized");
        g.addInitializer(wName, TensorData.ofBytes(ElemType.INT8, w.dims(), wBytes));
        String wDq = dequantize(wName, base + "_weight", wq, QuantDType.QINT8);
        List<String> ins = new ArrayList<>(n.inputs());
        ins.set(1, wDq);
        if (n.hasInput(biasIdx)) {
            String in = n.input(0);
            QParams inQ = stats.entry(plan.groupOf(in).id()).qparams();
            TensorData b = g.initializers().get(n.input(biasIdx));
            int channels = wq.isPerChannel() ? wq.channels() : (n.opType().equals("Conv") ? w.dim(0) : w.dim(axis));
            float[] bf = b.asFloats();
            float[] bs = new float[channels];
            int[] bz = new int[channels];
            for (int c = 0; c < channels; c++) bs[c] = inQ.scale() * wq.scale(wq.isPerChannel() ? c : 0);
            QParams bq = QParams.perChannel(QuantDType.QINT32, 0, bs, bz);
            float[] full = new float[channels];
            for (int c = 0; c < channels; c++) full[c] = bf.length == 1 ? bf[0] : bf[c];
            int[] q = Quantization.quantizeToInt32(full, new int[] {channels}, bq);
            String bName = g.freshName(base + "_bias_quantized");
            g.addInitializer(bName, TensorData.ofInts(new int[] {channels}, q));
            ins.set(biasIdx, dequantize(bName, base + "_bias", bq, QuantDType.QINT32));
        }
        int i = g.nodes().indexOf(n);
        g.nodes().set(i, new Node(n.name(), n.opType(), n.domain(), ins, n.outputs(), n.attributes()));
    }

    /**
     * GPTQ-rounded int8 weights on the scales already chosen. GPTQ works on rows of one output channel's inputs, in
     * the Gram matrix's column order: a Conv's weights [O, C, kh, kw] and a transB Gemm's [N, K] are laid out so;
     * a plain Gemm's [K, N] is transposed there and back.
     */
    private static byte[] gptq(Node n, TensorData w, int axis, QParams wq, InputGram gram) {
        float[] f = w.floats();
        boolean transposed = n.opType().equals("Gemm") && axis == 1;
        int rows = transposed ? w.dim(1) : w.dim(0);
        int k = f.length / rows;
        float[] rowMajor = f;
        if (transposed) {
            rowMajor = new float[f.length];
            for (int i = 0; i < k; i++) for (int r = 0; r < rows; r++) rowMajor[r * k + i] = f[i * rows + r];
        }
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) scales[r] = wq.scale(wq.isPerChannel() ? r : 0);
        byte[] q = GptqRounding.round(rowMajor, rows, k, scales, gram.toMatrix());
        if (!transposed) return q;
        byte[] back = new byte[q.length];
        for (int i = 0; i < k; i++) for (int r = 0; r < rows; r++) back[i * rows + r] = q[r * k + i];
        return back;
    }

    /**
     * Adds the scale initializer and a DequantizeLinear of a constant; returns the float output's name. Weights and
     * biases are symmetric, so their zero points are all 0: the optional zero-point input is left out (ONNX
     * defaults it to 0 of the data's type), which keeps per-channel zero tensors out of the file.
     */
    private String dequantize(String quantized, String base, QParams q, QuantDType dt) {
        for (int c = 0; c < q.channels(); c++) {
            if (q.zeroPoint(c) != 0) throw new IllegalStateException(base + ": constant quantized with a non-zero zero point");
        }
        String scale = g.freshName(base + "_scale");
        if (q.isPerChannel()) {
            g.addInitializer(scale, TensorData.ofFloats(new int[] {q.channels()}, q.scales()));
        } else {
            g.addInitializer(scale, TensorData.scalar(q.scale()));
        }
        String out = g.freshName(base + "_dequantized");
        Map<String, Attribute> a = new LinkedHashMap<>();
        if (q.isPerChannel()) a.put("axis", Attribute.of("axis", (long) q.axis()));
        g.addNode(new Node(g.freshName(base + "_DequantizeLinear"), "DequantizeLinear", "", List.of(quantized, scale), List.of(out), a));
        return out;
    }

    private static TensorData zeroPoints(int[] dims, int[] zps, QuantDType dt) {
        if (dt == QuantDType.QINT32) return TensorData.ofInts(dims, zps);
        byte[] b = new byte[zps.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) zps[i];
        return TensorData.ofBytes(dt == QuantDType.QUINT8 ? ElemType.UINT8 : ElemType.INT8, dims, b);
    }

    /** Inserts Q -> DQ on value {@code v} with its group's parameters. */
    private void insertQdq(String v, String group) {
        QParams q = stats.entry(group).qparams();
        String[] params = groupParams.computeIfAbsent(group, k -> {
            String base = sanitize(k);
            String s = g.freshName(base + "_scale");
            String z = g.freshName(base + "_zero_point");
            g.addInitializer(s, TensorData.scalar(q.scale()));
            g.addInitializer(z, zeroPoints(new int[0], new int[] {q.zeroPoint()}, q.dtype()));
            return new String[] {s, z};
        });
        String base = sanitize(v);
        Node producer = g.producer(v);
        String src = v;
        String dqOut;
        if (g.isGraphOutput(v)) {
            // keep the output's name on the dequantized value; the producer writes a renamed value instead
            src = g.freshName(base + "_float");
            int i = g.nodes().indexOf(producer);
            List<String> outs = new ArrayList<>(producer.outputs());
            outs.set(outs.indexOf(v), src);
            g.nodes().set(i, producer.withIO(producer.inputs(), outs));
            dqOut = v;  // readers of v inside the graph now read the dequantized value, as all other readers do
        } else {
            dqOut = g.freshName(base + "_dequantized");
            g.replaceUses(v, dqOut);
        }
        String qOut = g.freshName(base + "_quantized");
        Node qn = new Node(g.freshName(base + "_QuantizeLinear"), "QuantizeLinear", "", List.of(src, params[0], params[1]), List.of(qOut), Map.of());
        Node dq = new Node(g.freshName(base + "_DequantizeLinear"), "DequantizeLinear", "", List.of(qOut, params[0], params[1]), List.of(dqOut), Map.of());
        int at = producer == null ? 0 : g.nodes().indexOf(g.producer(src)) + 1;
        g.nodes().add(at, qn);
        g.nodes().add(at + 1, dq);
    }
}
