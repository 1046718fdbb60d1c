package org.quantlake.core.ptq;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quantlake.core.graph.Attribute;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;

/**
 * Float-graph rewrites that prepare a model for quantization, as PyTorch's fuse_modules and ONNX Runtime's
 * pre-processing do. Each returns the same function up to float rounding (checked on the real models):
 * <ul>
 *   <li>Identity and Dropout (inference: pass-through) are removed;</li>
 *   <li>Conv + BatchNormalization: {@code W'[m] = W[m] * a[m]}, {@code B'[m] = a[m] * (B[m] - mean[m]) + beta[m]},
 *       {@code a = gamma / sqrt(var + eps)}, computed in double;</li>
 *   <li>Conv + Add of a per-channel constant (CNTK / Caffe exports): folded into the Conv bias;</li>
 *   <li>MatMul(2-D activations, constant 2-D weights) [+ Add of a constant row] becomes Gemm with bias C;</li>
 *   <li>Gemm + Add of a constant row: folded into C.</li>
 * </ul>
 * Activation fusion (Conv/Gemm/Add followed by Relu or Clip) is not a rewrite: {@link QuantizationPlan} simply
 * puts no quantization point between them, and the int8 kernels clamp in the integer domain.
 */
public final class Fusion {
    private Fusion() {}

    /** System property overriding {@link #inferenceEngine}'s micro-batch size (0 runs batches whole). */
    public static final String MICRO_BATCH_PROPERTY = "quantlake.microBatch";
    /**
     * Larger batches run 4 samples at a time: measured (EngineBenchmark at batch 32, fp32) +14% on SqueezeNet and +10%
     * on MobileNetV2, ResNet-18 unchanged, against running all 32 through each layer, whose tensors then stream from
     * memory.
     */
    static final int DEFAULT_MICRO_BATCH = 4;

    /**
     * The fastest float engine for {@code g}, as inference (scoring, benchmarks) wants it: {@link #fuse}d (BatchNorm
     * folded into Conv, ...) and run with Relu/Clip fused into the Conv epilogue. The same function up to float
     * rounding (within 1e-5 relative of the unfused graph on the real models, as ONNX Runtime's own fusions); not for
     * observing values, since the pre-activation Conv outputs and the BatchNorm inputs no longer exist. Batches larger
     * than {@link #DEFAULT_MICRO_BATCH} run in parts of that size (see {@link org.quantlake.core.engine.CompiledModel}'s microBatch).
     */
    public static org.quantlake.core.engine.CompiledModel inferenceEngine(Graph g) {
        return new org.quantlake.core.engine.CompiledModel(fuse(g), org.quantlake.core.kernels.KernelProvider.floatKernels(),
                org.quantlake.core.kernels.KernelProvider.int8Kernels(), true,
                Integer.getInteger(MICRO_BATCH_PROPERTY, DEFAULT_MICRO_BATCH));
    }

    /** A fused copy of {@code g}; {@code g} is not modified. */
    public static Graph fuse(Graph g) {
        Graph f = org.quantlake.core.engine.CompiledModel.foldConstants(g).copy();
        removePassThrough(f);
        boolean changed = true;
        while (changed) {
            changed = foldBatchNorm(f) | foldConvAdd(f) | matMulToGemm(f) | foldGemmAdd(f);
        }
        f.removeDeadNodes();
        f.validate();
        return f;
    }

    /** The only consumer of {@code value} when it has exactly one and is not a graph output, else null. */
    static Node soleConsumer(Graph g, String value) {
        if (g.isGraphOutput(value)) return null;
        List<Node> c = g.consumers(value);
        return c.size() == 1 ? c.get(0) : null;
    }

    private static void removePassThrough(Graph g) {
        for (Node n : new ArrayList<>(g.nodes())) {
            if (!n.opType().equals("Identity") && !n.opType().equals("Dropout")) continue;
            if (!n.domain().isEmpty()) continue;
            String out = n.output(0);
            if (g.isGraphOutput(out)) continue;  // keep the name the user asked for
            g.replaceUses(out, n.input(0));
            g.nodes().remove(n);
        }
    }

    private static boolean foldBatchNorm(Graph g) {
        for (Node bn : g.nodes()) {
            if (!bn.opType().equals("BatchNormalization") || !bn.domain().isEmpty()) continue;
            Node conv = g.producer(bn.input(0));
            if (conv == null || !conv.opType().equals("Conv") || soleConsumer(g, conv.output(0)) != bn) continue;
            if (!g.isConstant(conv.input(1)) || (conv.hasInput(2) && !g.isConstant(conv.input(2)))) continue;
            if (!(g.isConstant(bn.input(1)) && g.isConstant(bn.input(2)) && g.isConstant(bn.input(3)) && g.isConstant(bn.input(4)))) continue;
            TensorData w = g.initializers().get(conv.input(1));
            int m = w.dim(0);
            float[] gamma = g.initializers().get(bn.input(1)).asFloats();
            float[] beta = g.initializers().get(bn.input(2)).asFloats();
            float[] mean = g.initializers().get(bn.input(3)).asFloats();
            float[] var = g.initializers().get(bn.input(4)).asFloats();
            if (gamma.length != m) continue;
            double eps = bn.attrFloat("epsilon", 1e-5f);
            float[] wv = w.floats();
            int per = wv.length / m;
            float[] nw = new float[wv.length];
            float[] b = conv.hasInput(2) ? g.initializers().get(conv.input(2)).asFloats() : new float[m];
            float[] nb = new float[m];
            for (int o = 0; o < m; o++) {
                double a = gamma[o] / Math.sqrt((double) var[o] + eps);
                for (int i = 0; i < per; i++) nw[o * per + i] = (float) (wv[o * per + i] * a);
                nb[o] = (float) (a * ((double) b[o] - mean[o]) + beta[o]);
            }
            String wName = g.freshName(conv.name() + "_bn_w");
            g.addInitializer(wName, TensorData.ofFloats(w.dims(), nw));
            String bName = g.freshName(conv.name() + "_bn_b");
            g.addInitializer(bName, TensorData.ofFloats(new int[] {m}, nb));
            replace(g, conv, new Node(conv.name(), "Conv", "", List.of(conv.input(0), wName, bName), List.of(bn.output(0)), conv.attributes()));
            g.nodes().remove(bn);
            return true;
        }
        return false;
    }

    /** Per-channel constant added to a Conv output: shape [M,1,..] or [1,M,1,..] (right-aligned to the output rank). */
    private static float[] perChannel(TensorData c, int m, int outRank) {
        int[] d = c.dims();
        if (d.length > outRank) return null;
        int[] aligned = new int[outRank];
        java.util.Arrays.fill(aligned, 1);
        System.arraycopy(d, 0, aligned, outRank - d.length, d.length);
        for (int i = 0; i < outRank; i++) {
            if (i == 1) {
                if (aligned[i] != m && aligned[i] != 1) return null;
            } else if (aligned[i] != 1) {
                return null;
            }
        }
        float[] v = c.asFloats();
        float[] out = new float[m];
        for (int i = 0; i < m; i++) out[i] = v.length == 1 ? v[0] : v[i];
        return out;
    }

    private static boolean foldConvAdd(Graph g) {
        for (Node add : g.nodes()) {
            if (!add.opType().equals("Add") || !add.domain().isEmpty()) continue;
            for (int side = 0; side < 2; side++) {
                Node conv = g.producer(add.input(side));
                String cName = add.input(1 - side);
                if (conv == null || !conv.opType().equals("Conv") || !g.isConstant(cName)) continue;
                if (soleConsumer(g, conv.output(0)) != add || !g.isConstant(conv.input(1))) continue;
                if (conv.hasInput(2) && !g.isConstant(conv.input(2))) continue;
                TensorData w = g.initializers().get(conv.input(1));
                int m = w.dim(0);
                float[] c = perChannel(g.initializers().get(cName), m, w.rank());
                if (c == null) continue;
                float[] b = conv.hasInput(2) ? g.initializers().get(conv.input(2)).asFloats() : new float[m];
                float[] nb = new float[m];
                for (int o = 0; o < m; o++) nb[o] = b[o] + c[o];
                String bName = g.freshName(conv.name() + "_bias");
                g.addInitializer(bName, TensorData.ofFloats(new int[] {m}, nb));
                replace(g, conv, new Node(conv.name(), "Conv", "", List.of(conv.input(0), conv.input(1), bName), List.of(add.output(0)), conv.attributes()));
                g.nodes().remove(add);
                return true;
            }
        }
        return false;
    }

    /** A constant row vector of length n ([n] or [1, n]), else null. */
    private static float[] row(TensorData c, int n) {
        int[] d = c.dims();
        boolean ok = (d.length == 1 && d[0] == n) || (d.length == 2 && d[0] == 1 && d[1] == n) || c.size() == 1;
        if (!ok) return null;
        float[] v = c.asFloats();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = v.length == 1 ? v[0] : v[i];
        return out;
    }

    private static boolean matMulToGemm(Graph g) {
        for (Node mm : g.nodes()) {
            if (!mm.opType().equals("MatMul") || !mm.domain().isEmpty() || !g.isConstant(mm.input(1))) continue;
            TensorData b = g.initializers().get(mm.input(1));
            if (b.rank() != 2 || !isRank2(g, mm.input(0))) continue;
            int n = b.dim(1);
            List<String> ins = new ArrayList<>(List.of(mm.input(0), mm.input(1)));
            String out = mm.output(0);
            Node add = soleConsumer(g, out);
            Node removed = null;
            if (add != null && add.opType().equals("Add") && add.domain().isEmpty()) {
                String cName = add.input(0).equals(out) ? add.input(1) : add.input(0);
                float[] c = g.isConstant(cName) ? row(g.initializers().get(cName), n) : null;
                if (c != null) {
                    String name = g.freshName(mm.name() + "_bias");
                    g.addInitializer(name, TensorData.ofFloats(new int[] {n}, c));
                    ins.add(name);
                    out = add.output(0);
                    removed = add;
                }
            }
            replace(g, mm, new Node(mm.name(), "Gemm", "", ins, List.of(out), new LinkedHashMap<>()));
            if (removed != null) g.nodes().remove(removed);
            return true;
        }
        return false;
    }

    private static boolean foldGemmAdd(Graph g) {
        for (Node gemm : g.nodes()) {
            if (!gemm.opType().equals("Gemm") || !gemm.domain().isEmpty() || !g.isConstant(gemm.input(1))) continue;
            Node add = soleConsumer(g, gemm.output(0));
            if (add == null || !add.opType().equals("Add") || !add.domain().isEmpty()) continue;
            String cName = add.input(0).equals(gemm.output(0)) ? add.input(1) : add.input(0);
            if (!g.isConstant(cName)) continue;
            TensorData bw = g.initializers().get(gemm.input(1));
            int n = gemm.attrInt("transB", 0) != 0 ? bw.dim(0) : bw.dim(1);
            float[] extra = row(g.initializers().get(cName), n);
            if (extra == null) continue;
            float beta = gemm.attrFloat("beta", 1f);
            float[] c = new float[n];
            if (gemm.hasInput(2)) {
                if (!g.isConstant(gemm.input(2))) continue;
                float[] old = row(g.initializers().get(gemm.input(2)), n);
                if (old == null) continue;
                for (int i = 0; i < n; i++) c[i] = beta * old[i];
            }
            for (int i = 0; i < n; i++) c[i] += extra[i];
            String name = g.freshName(gemm.name() + "_bias");
            g.addInitializer(name, TensorData.ofFloats(new int[] {n}, c));
            Map<String, Attribute> attrs = new LinkedHashMap<>(gemm.attributes());
            attrs.remove("beta");
            replace(g, gemm, new Node(gemm.name(), "Gemm", "", List.of(gemm.input(0), gemm.input(1), name), List.of(add.output(0)), attrs));
            g.nodes().remove(add);
            return true;
        }
        return false;
    }

    /** True when the value is known to be 2-D (declared input, value info, or produced by Flatten / a 2-D Reshape / Gemm). */
    private static boolean isRank2(Graph g, String value) {
        var in = g.input(value);
        if (in != null) return in.dims() != null && in.dims().length == 2;
        var vi = g.valueInfos().get(value);
        if (vi != null && vi.dims() != null) return vi.dims().length == 2;
        Node p = g.producer(value);
        if (p == null) return false;
        return switch (p.opType()) {
            case "Flatten", "Gemm" -> true;
            case "Reshape" -> g.isConstant(p.input(1)) && g.initializers().get(p.input(1)).size() == 2;
            case "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Identity", "Dropout" -> isRank2(g, p.input(0));
            default -> false;
        };
    }

    private static void replace(Graph g, Node old, Node fresh) {
        int i = g.nodes().indexOf(old);
        g.nodes().set(i, fresh);
    }
}
