package org.quantlake.core.ops;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.ModelException;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.UnsupportedOpException;

/** The ops this build runs (ai.onnx domain, opsets 7 to 21) and the load-time support check. */
public final class OpRegistry {
    public static final int MIN_OPSET = 7;
    public static final int MAX_OPSET = 21;

    private static final Map<String, OpDef> OPS;
    /** The int8 ops the QDQ lowering creates (domain org.quantlake); never loaded from files. */
    private static final Map<String, OpDef> INT8_OPS;

    static {
        Map<String, OpDef> m = new TreeMap<>();
        m.put("Conv", new Conv());
        m.put("Gemm", new Gemm());
        m.put("MatMul", new MatMul());
        m.put("Add", new Binary(Binary.Kind.ADD));
        m.put("Sub", new Binary(Binary.Kind.SUB));
        m.put("Mul", new Binary(Binary.Kind.MUL));
        m.put("Div", new Binary(Binary.Kind.DIV));
        m.put("Relu", new Unary(Unary.Kind.RELU));
        m.put("LeakyRelu", new Unary(Unary.Kind.LEAKY_RELU));
        m.put("Sigmoid", new Unary(Unary.Kind.SIGMOID));
        m.put("HardSigmoid", new Unary(Unary.Kind.HARD_SIGMOID));
        m.put("HardSwish", new Unary(Unary.Kind.HARD_SWISH));
        m.put("Clip", new Unary(Unary.Kind.CLIP));
        m.put("BatchNormalization", new BatchNorm());
        m.put("MaxPool", new Pool(true));
        m.put("AveragePool", new Pool(false));
        m.put("GlobalAveragePool", new GlobalPool(false));
        m.put("GlobalMaxPool", new GlobalPool(true));
        m.put("Flatten", new ViewOps(ViewOps.Kind.FLATTEN));
        m.put("Reshape", new ViewOps(ViewOps.Kind.RESHAPE));
        m.put("Squeeze", new ViewOps(ViewOps.Kind.SQUEEZE));
        m.put("Unsqueeze", new ViewOps(ViewOps.Kind.UNSQUEEZE));
        m.put("Identity", new ViewOps(ViewOps.Kind.IDENTITY));
        m.put("Dropout", new ViewOps(ViewOps.Kind.DROPOUT));
        m.put("Transpose", new Transpose());
        m.put("Concat", new Concat());
        m.put("Softmax", new Softmax());
        m.put("Constant", new ConstantOps(ConstantOps.Kind.CONSTANT));
        m.put("Shape", new ConstantOps(ConstantOps.Kind.SHAPE));
        m.put("Cast", new ConstantOps(ConstantOps.Kind.CAST));
        m.put("Slice", new ConstantOps(ConstantOps.Kind.SLICE));
        m.put("Gather", new Gather());
        m.put("Pad", new Pad());
        m.put("QuantizeLinear", new QuantizeLinear());
        m.put("DequantizeLinear", new DequantizeLinear());
        OPS = Collections.unmodifiableMap(m);
        Map<String, OpDef> q = new TreeMap<>();
        q.put("QConv", new QConv());
        q.put("QGemm", new QGemm());
        q.put("QAdd", new QAdd());
        q.put("QConcat", new QConcat());
        q.put("QMaxPool", new QPool(QPool.Kind.MAX));
        q.put("QAveragePool", new QPool(QPool.Kind.AVERAGE));
        q.put("QGlobalAveragePool", new QPool(QPool.Kind.GLOBAL_AVERAGE));
        INT8_OPS = Collections.unmodifiableMap(q);
    }


    private OpRegistry() {}

    /** Op types of the ai.onnx domain this build supports, sorted. */
    public static java.util.Set<String> supportedOps() {
        return OPS.keySet();
    }

    /** The definition for a node, or an UnsupportedOpException naming node, op, domain and opset. */
    public static OpDef get(Node n, int opset) {
        OpDef d = n.domain().isEmpty() ? OPS.get(n.opType()) : n.domain().equals(QAttrs.DOMAIN) ? INT8_OPS.get(n.opType()) : null;
        if (d == null) {
            throw OpContext.unsupported(n, opset, "op " + (n.domain().isEmpty() ? "" : n.domain() + ".") + n.opType()
                    + " is not supported; supported ai.onnx ops: " + String.join(", ", OPS.keySet()));
        }
        return d;
    }

    /** Load-time check: opset in range, every node's op supported with its attributes. */
    public static void checkSupported(Graph g) {
        int opset = g.opset();
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new ModelException(g.source() + ": ai.onnx opset " + opset + " is not supported (supported: " + MIN_OPSET + " to " + MAX_OPSET + ")");
        }
        for (Node n : g.nodes()) {
            int ver = n.domain().isEmpty() ? opset : g.opsets().getOrDefault(n.domain(), 1);
            try {
                get(n, ver).check(n, ver);
                if (n.opType().equals("Dropout") && n.outputs().size() > 1 && !n.output(1).isEmpty()) {
                    String mask = n.output(1);
                    if (!g.consumers(mask).isEmpty() || g.isGraphOutput(mask)) {
                        throw OpContext.unsupported(n, ver, "the Dropout mask output '" + mask + "' is read, which is not supported");
                    }
                }
            } catch (UnsupportedOpException e) {
                throw new UnsupportedOpException(g.source() + ": " + e.getMessage());
            } catch (ModelException e) {
                throw new ModelException(g.source() + ": " + e.getMessage(), e);
            }
        }
    }
}
