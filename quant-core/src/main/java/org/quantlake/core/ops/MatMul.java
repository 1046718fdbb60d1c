package org.quantlake.core.ops;

import java.util.Arrays;
import org.quantlake.core.engine.Step;
import org.quantlake.core.kernels.FloatKernels;

/**
 * ONNX MatMul with numpy semantics: [..., M, K] x [..., K, N], batch dims broadcast; a 1-D A is [1, K] and a 1-D B
 * is [K, 1], with the added dim dropped from the result. When B is 2-D, A's batch dims fold into M: one GEMM.
 */
final class MatMul extends OpDef {

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] a = c.requireShape(0);
        int[] b = c.requireShape(1);
        return new int[][] {outShape(c, a, b)};
    }

    static int[] outShape(OpContext c, int[] a, int[] b) {
        if (a.length == 0 || b.length == 0) throw c.fail("MatMul inputs must have rank >= 1");
        int[] a2 = a.length == 1 ? new int[] {1, a[0]} : a;
        int[] b2 = b.length == 1 ? new int[] {b[0], 1} : b;
        int k = a2[a2.length - 1];
        if (b2[b2.length - 2] != k) {
            throw c.fail("inner dims differ: " + OpContext.str(a) + " x " + OpContext.str(b));
        }
        int[] batch = Broadcast.shape(Arrays.copyOf(a2, a2.length - 2), Arrays.copyOf(b2, b2.length - 2));
        if (batch == null) throw c.fail("batch dims of " + OpContext.str(a) + " and " + OpContext.str(b) + " do not broadcast");
        int[] out = Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = a2[a2.length - 2];
        out[batch.length + 1] = b2[b2.length - 1];
        if (a.length == 1 && b.length == 1) return new int[0];
        if (a.length == 1) return dropDim(out, out.length - 2);
        if (b.length == 1) return dropDim(out, out.length - 1);
        return out;
    }

    private static int[] dropDim(int[] s, int d) {
        int[] o = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != d) o[j++] = s[i];
        return o;
    }

    @Override
    public Step compile(OpContext c) {
        int[] a = c.inShape(0);
        int[] b = c.inShape(1);
        int[] a2 = a.length == 1 ? new int[] {1, a[0]} : a;
        int[] b2 = b.length == 1 ? new int[] {b[0], 1} : b;
        int m = a2[a2.length - 2];
        int k = a2[a2.length - 1];
        int n = b2[b2.length - 1];
        FloatKernels kern = c.kernels();
        int as = c.inSlot(0);
        int bs = c.inSlot(1);
        int ys = c.outSlot(0);
        if (b2.length == 2) {
            int rows = 1;
            for (int i = 0; i < a2.length - 1; i++) rows *= a2[i];
            int mm = rows;
            return x -> kern.gemm(mm, n, k, x.f(as), 0, k, x.f(bs), 0, n, x.f(ys), 0, n, false);
        }
        int[] batch = Broadcast.shape(Arrays.copyOf(a2, a2.length - 2), Arrays.copyOf(b2, b2.length - 2));
        int batches = 1;
        for (int d : batch) batches *= d;
        int[] aIdx = new int[batches];
        int[] bIdx = new int[batches];
        int[] aB = Arrays.copyOf(a2, a2.length - 2);
        int[] bB = Arrays.copyOf(b2, b2.length - 2);
        for (int i = 0; i < batches; i++) {
            aIdx[i] = broadcastIndex(i, batch, aB);
            bIdx[i] = broadcastIndex(i, batch, bB);
        }
        int total = batches;
        return x -> {
            float[] av = x.f(as);
            float[] bv = x.f(bs);
            float[] y = x.f(ys);
            for (int i = 0; i < total; i++) {
                kern.gemm(m, n, k, av, aIdx[i] * m * k, k, bv, bIdx[i] * k * n, n, y, i * m * n, n, false);
            }
        };
    }

    /** Index into an input's (right-aligned, broadcast) batch dims for flat output batch index i. */
    static int broadcastIndex(int i, int[] out, int[] in) {
        int idx = 0;
        int stride = 1;
        int rem = i;
        for (int d = out.length - 1; d >= 0; d--) {
            int coord = rem % out[d];
            rem /= out[d];
            int id = d - (out.length - in.length);
            if (id >= 0) {
                if (in[id] != 1) idx += coord * stride;
                stride *= in[id];
            }
        }
        return idx;
    }
}
