package org.quantlake.core.ops;

import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.TensorData;

/** ONNX Add, Sub, Mul, Div with multidirectional broadcasting (opset 7+). Integer constants fold exactly. */
final class Binary extends OpDef {
    enum Kind { ADD, SUB, MUL, DIV }

    private final Kind kind;

    Binary(Kind kind) {
        this.kind = kind;
    }

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] a = c.requireShape(0);
        int[] b = c.requireShape(1);
        int[] out = Broadcast.shape(a, b);
        if (out == null) throw c.fail("shapes " + OpContext.str(a) + " and " + OpContext.str(b) + " do not broadcast");
        return new int[][] {out};
    }

    @Override
    public TensorData[] fold(OpContext c) {
        TensorData a = c.inConst(0);
        TensorData b = c.inConst(1);
        if (a == null || b == null || a.type() == ElemType.FLOAT || b.type() == ElemType.FLOAT) return null;  // floats: generic path
        int[] out = inferShapes(c)[0];
        Broadcast.Plan p = Broadcast.plan(a.dims(), b.dims(), out);
        long[] av = a.asLongs();
        long[] bv = b.asLongs();
        long[] r = new long[p.size()];
        forEach(p, (o, ia, ib) -> r[o] = switch (kind) {
            case ADD -> av[ia] + bv[ib];
            case SUB -> av[ia] - bv[ib];
            case MUL -> av[ia] * bv[ib];
            case DIV -> {
                if (bv[ib] == 0) throw c.fail("integer division by zero in constant folding");
                yield av[ia] / bv[ib];
            }
        });
        return new TensorData[] {TensorData.ofLongs(out, r)};
    }

    interface IndexVisitor {
        void visit(int out, int a, int b);
    }

    /** Visits every output element with the matching input indices (slow path, for folding). */
    static void forEach(Broadcast.Plan p, IndexVisitor v) {
        int[] dims = p.dims();
        int r = dims.length;
        int[] coord = new int[r];
        int ia = 0;
        int ib = 0;
        for (int o = 0, total = p.size(); o < total; o++) {
            v.visit(o, ia, ib);
            for (int d = r - 1; d >= 0; d--) {
                coord[d]++;
                ia += p.strideA()[d];
                ib += p.strideB()[d];
                if (coord[d] < dims[d]) break;
                ia -= p.strideA()[d] * dims[d];
                ib -= p.strideB()[d] * dims[d];
                coord[d] = 0;
            }
        }
    }

    @Override
    public Step compile(OpContext c) {
        int[] out = c.outShape(0);
        Broadcast.Plan p = Broadcast.plan(c.inShape(0), c.inShape(1), out);
        int as = c.inSlot(0);
        int bs = c.inSlot(1);
        int ys = c.outSlot(0);
        int[] dims = p.dims();
        int r = dims.length;
        int inner = dims[r - 1];
        int sa = p.strideA()[r - 1];
        int sb = p.strideB()[r - 1];
        int outer = p.size() / inner;
        Kind k = kind;
        return x -> {
            float[] av = x.f(as);
            float[] bv = x.f(bs);
            float[] y = x.f(ys);
            int[] coord = new int[r];
            int ia = 0;
            int ib = 0;
            for (int o = 0; o < outer; o++) {
                run(k, av, ia, sa, bv, ib, sb, y, o * inner, inner);
                for (int d = r - 2; d >= 0; d--) {
                    coord[d]++;
                    ia += p.strideA()[d];
                    ib += p.strideB()[d];
                    if (coord[d] < dims[d]) break;
                    ia -= p.strideA()[d] * dims[d];
                    ib -= p.strideB()[d] * dims[d];
                    coord[d] = 0;
                }
            }
        };
    }

    /** One inner run: strides are 1 (present) or 0 (broadcast); each case is its own loop so C2 vectorises it. */
    static void run(Kind k, float[] a, int ia, int sa, float[] b, int ib, int sb, float[] y, int iy, int n) {
        if (sa == 1 && sb == 1) {
            switch (k) {
                case ADD -> { for (int i = 0; i < n; i++) y[iy + i] = a[ia + i] + b[ib + i]; }
                case SUB -> { for (int i = 0; i < n; i++) y[iy + i] = a[ia + i] - b[ib + i]; }
                case MUL -> { for (int i = 0; i < n; i++) y[iy + i] = a[ia + i] * b[ib + i]; }
                case DIV -> { for (int i = 0; i < n; i++) y[iy + i] = a[ia + i] / b[ib + i]; }
            }
        } else if (sa == 1) {
            float v = b[ib];
            switch (k) {
                case ADD -> { for (int i = 0; i < n; i++) y[iy + i] = a[ia + i] + v; }
                case SUB -> { for (int i = 0; i < n; i++) y[iy + i] = a[ia + i] - v; }
                case MUL -> { for (int i = 0; i < n; i++) y[iy + i] = a[ia + i] * v; }
                case DIV -> { for (int i = 0; i < n; i++) y[iy + i] = a[ia + i] / v; }
            }
        } else if (sb == 1) {
            float v = a[ia];
            switch (k) {
                case ADD -> { for (int i = 0; i < n; i++) y[iy + i] = v + b[ib + i]; }
                case SUB -> { for (int i = 0; i < n; i++) y[iy + i] = v - b[ib + i]; }
                case MUL -> { for (int i = 0; i < n; i++) y[iy + i] = v * b[ib + i]; }
                case DIV -> { for (int i = 0; i < n; i++) y[iy + i] = v / b[ib + i]; }
            }
        } else {
            float v = switch (k) {
                case ADD -> a[ia] + b[ib];
                case SUB -> a[ia] - b[ib];
                case MUL -> a[ia] * b[ib];
                case DIV -> a[ia] / b[ib];
            };
            java.util.Arrays.fill(y, iy, iy + n, v);
        }
    }
}
