package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.Attribute;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;

/**
 * Ops that only ever fold at plan time: Constant, Shape (the input's shape is static in a plan, whose batch is
 * fixed), Cast and Slice on constants. Together with Gather, Unsqueeze, Concat and integer arithmetic they fold the
 * shape computations PyTorch exports before a Reshape. A Cast or Slice on runtime data is refused with a clear error.
 */
final class ConstantOps extends OpDef {
    enum Kind { CONSTANT, SHAPE, CAST, SLICE }

    private final Kind kind;

    ConstantOps(Kind kind) {
        this.kind = kind;
    }

    @Override
    public void check(Node node, int opset) {
        if (kind == Kind.CONSTANT) {
            if (node.has("sparse_value")) throw OpContext.unsupported(node, opset, "sparse constants are not supported");
            if (node.attributes().isEmpty()) throw OpContext.unsupported(node, opset, "Constant without a value");
        }
    }

    @Override
    public int[][] inferShapes(OpContext c) {
        TensorData[] f = fold(c);
        if (f == null) {
            if (kind == Kind.CAST && c.node().attrInt("to", 1) == ElemType.FLOAT.onnxCode()) return new int[][] {c.requireShape(0)};
            throw c.unsupported(kind + " on runtime data is not supported (only constant folding)");
        }
        return new int[][] {f[0].dims()};
    }

    @Override
    public TensorData[] fold(OpContext c) {
        return switch (kind) {
            case CONSTANT -> new TensorData[] {constant(c)};
            case SHAPE -> {
                int[] x = c.inShape(0);
                if (x == null) yield null;
                int r = x.length;
                int start = clampIndex(c.node().attrInt("start", 0), r);
                int end = c.node().has("end") ? clampIndex(c.node().attrInt("end", r), r) : r;
                long[] v = new long[Math.max(0, end - start)];
                for (int i = 0; i < v.length; i++) v[i] = x[start + i];
                yield new TensorData[] {TensorData.ofLongs(new int[] {v.length}, v)};
            }
            case CAST -> {
                TensorData x = c.inConst(0);
                if (x == null) yield null;
                ElemType to = ElemType.fromOnnx((int) c.node().attrInt("to", 0));
                yield new TensorData[] {switch (to) {
                    case FLOAT, DOUBLE, FLOAT16 -> TensorData.ofFloats(x.dims(), x.asFloats());
                    case INT64 -> TensorData.ofLongs(x.dims(), x.asLongs());
                    case INT32 -> TensorData.ofInts(x.dims(), java.util.Arrays.stream(x.asLongs()).mapToInt(l -> (int) l).toArray());
                    default -> throw c.unsupported("Cast to " + to + " is not supported");
                }};
            }
            case SLICE -> slice(c);
        };
    }

    private static int clampIndex(long i, int r) {
        long v = i < 0 ? i + r : i;
        return (int) Math.max(0, Math.min(r, v));
    }

    private static TensorData constant(OpContext c) {
        Node n = c.node();
        Attribute a = n.attributes().values().iterator().next();
        return switch (a.name()) {
            case "value" -> a.t();
            case "value_float" -> TensorData.scalar(a.f());
            case "value_floats" -> TensorData.ofFloats(new int[] {a.floats().length}, a.floats());
            case "value_int" -> TensorData.ofLongs(new int[0], new long[] {a.i()});
            case "value_ints" -> TensorData.ofLongs(new int[] {a.ints().length}, a.ints());
            default -> throw c.unsupported("Constant attribute '" + a.name() + "' is not supported");
        };
    }

    /** Slice on a constant (opset 10+: starts/ends/axes/steps inputs; before: attributes). */
    private static TensorData[] slice(OpContext c) {
        TensorData x = c.inConst(0);
        if (x == null) return null;
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps;
        if (c.opset() < 10) {
            starts = c.node().attr("starts").ints();
            ends = c.node().attr("ends").ints();
            axes = c.node().has("axes") ? c.node().attr("axes").ints() : null;
            steps = null;
        } else {
            if (c.inConst(1) == null || c.inConst(2) == null) return null;
            starts = c.inConst(1).asLongs();
            ends = c.inConst(2).asLongs();
            axes = c.hasInput(3) ? c.requireConst(3, "axes").asLongs() : null;
            steps = c.hasInput(4) ? c.requireConst(4, "steps").asLongs() : null;
        }
        int[] dims = x.dims();
        int r = dims.length;
        int[] st = new int[r];
        int[] step = new int[r];
        int[] cnt = dims.clone();
        java.util.Arrays.fill(step, 1);
        for (int i = 0; i < starts.length; i++) {
            int ax = (int) (axes == null ? i : (axes[i] < 0 ? axes[i] + r : axes[i]));
            long s = steps == null ? 1 : steps[i];
            if (s == 0) throw c.fail("Slice step 0");
            long d = dims[ax];
            long b = starts[i] < 0 ? starts[i] + d : starts[i];
            long e = ends[i] < 0 ? ends[i] + d : ends[i];
            if (s > 0) {
                b = Math.max(0, Math.min(d, b));
                e = Math.max(0, Math.min(d, e));
                cnt[ax] = (int) Math.max(0, (e - b + s - 1) / s);
            } else {
                b = Math.max(-1, Math.min(d - 1, b));
                e = Math.max(-1, Math.min(d - 1, e));
                cnt[ax] = (int) Math.max(0, (b - e + (-s) - 1) / (-s));
            }
            st[ax] = (int) b;
            step[ax] = (int) s;
        }
        long[] v = x.asLongs();
        float[] fv = x.type() == ElemType.FLOAT ? x.floats() : null;
        int n = org.quantlake.core.tensor.Shapes.size(cnt);
        long[] out = new long[n];
        float[] fout = new float[n];
        int[] stride = new int[r];
        for (int i = r - 1, s = 1; i >= 0; i--) { stride[i] = s; s *= dims[i]; }
        int[] coord = new int[r];
        for (int o = 0; o < n; o++) {
            int src = 0;
            for (int d = 0; d < r; d++) src += (st[d] + coord[d] * step[d]) * stride[d];
            if (fv != null) fout[o] = fv[src]; else out[o] = v[src];
            for (int d = r - 1; d >= 0; d--) {
                if (++coord[d] < cnt[d]) break;
                coord[d] = 0;
            }
        }
        return new TensorData[] {fv != null ? TensorData.ofFloats(cnt, fout) : TensorData.ofLongs(cnt, out)};
    }

    @Override
    public boolean isView() {
        return kind == Kind.CAST;  // a runtime float -> float Cast is the identity
    }

    @Override
    public Step compile(OpContext c) {
        throw c.unsupported(kind + " must fold to a constant");
    }
}
