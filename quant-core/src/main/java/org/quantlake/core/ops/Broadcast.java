package org.quantlake.core.ops;

import java.util.Arrays;

/**
 * Numpy-style multidirectional broadcasting (ONNX opset 7+), and a compact iteration plan for binary elementwise
 * loops: dims are right-aligned, then adjacent dims with the same broadcast pattern are merged, so e.g. a Conv
 * bias [C,1,1] against [N,C,H,W] iterates as [N, C, H*W] with the bias constant along the inner run.
 */
public final class Broadcast {
    private Broadcast() {}

    /** The broadcast shape of a and b, or null when they are incompatible. */
    public static int[] shape(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da == db || db == 1) out[i] = da;
            else if (da == 1) out[i] = db;
            else return null;
        }
        return out;
    }

    /**
     * Iteration plan over the output of a broadcast: {@code dims} (merged output dims) and, per input, the element
     * stride along each merged dim (0 where the input is broadcast).
     */
    public record Plan(int[] dims, int[] strideA, int[] strideB) {
        public int size() {
            int n = 1;
            for (int d : dims) n *= d;
            return n;
        }
    }

    public static Plan plan(int[] a, int[] b, int[] out) {
        int r = out.length;
        int[] pa = pad(a, r);
        int[] pb = pad(b, r);
        // merge adjacent dims where both inputs are either present (size == out) or broadcast (size 1) alike
        int[] dims = new int[r];
        boolean[] ba = new boolean[r];
        boolean[] bb = new boolean[r];
        int m = 0;
        for (int i = 0; i < r; i++) {
            if (out[i] == 1) continue;  // size-1 dims never matter
            boolean xa = pa[i] == 1;
            boolean xb = pb[i] == 1;
            if (m > 0 && ba[m - 1] == xa && bb[m - 1] == xb) {
                dims[m - 1] *= out[i];
            } else {
                dims[m] = out[i];
                ba[m] = xa;
                bb[m] = xb;
                m++;
            }
        }
        if (m == 0) return new Plan(new int[] {1}, new int[] {1}, new int[] {1});
        dims = Arrays.copyOf(dims, m);
        int[] sa = new int[m];
        int[] sb = new int[m];
        int accA = 1;
        int accB = 1;
        for (int i = m - 1; i >= 0; i--) {
            sa[i] = ba[i] ? 0 : accA;
            sb[i] = bb[i] ? 0 : accB;
            if (!ba[i]) accA *= dims[i];
            if (!bb[i]) accB *= dims[i];
        }
        return new Plan(dims, sa, sb);
    }

    private static int[] pad(int[] s, int r) {
        int[] p = new int[r];
        Arrays.fill(p, 1);
        System.arraycopy(s, 0, p, r - s.length, s.length);
        return p;
    }
}
