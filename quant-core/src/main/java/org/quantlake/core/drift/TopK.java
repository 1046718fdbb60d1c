package org.quantlake.core.drift;

/** Top-k selection over model outputs; ties go to the lower class index, so results are deterministic. */
public final class TopK {
    private TopK() {}

    public static int argmax(float[] v, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (v[off + i] > v[off + best]) best = i;
        return best;
    }

    /** The indices of the k largest outputs, largest first (k is capped at n). */
    public static int[] indices(float[] v, int off, int n, int k) {
        int kk = Math.min(k, n);
        int[] idx = new int[kk];
        boolean[] taken = new boolean[n];
        for (int r = 0; r < kk; r++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (taken[i]) continue;
                if (best < 0 || v[off + i] > v[off + best]) best = i;
            }
            idx[r] = best;
            taken[best] = true;
        }
        return idx;
    }
}
