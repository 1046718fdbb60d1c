package org.quantlake.core.testutil;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.quantlake.core.tensor.FloatTensor;

/** Seeded sample sets for observer tests: each sample is one [C, H, W] slice; batches stack samples on dim 0. */
public final class Samples {
    private Samples() {}

    /**
     * {@code n} samples of shape {@code [c, h, w]} from a mix of distributions (Gaussian, heavy tails, post-ReLU
     * zeros, signed zeros, repeats), with a few NaN/Inf sprinkled in when {@code nonFinite}.
     */
    public static List<float[]> make(long seed, int n, int c, int h, int w, boolean nonFinite) {
        Random r = new Random(seed);
        List<float[]> out = new ArrayList<>(n);
        int per = c * h * w;
        for (int s = 0; s < n; s++) {
            float[] x = new float[per];
            int kind = r.nextInt(5);
            double scale = Math.exp(r.nextGaussian());
            for (int i = 0; i < per; i++) {
                double v = switch (kind) {
                    case 0 -> r.nextGaussian() * scale;
                    case 1 -> Math.max(0, r.nextGaussian() * scale);              // post-ReLU
                    case 2 -> Math.pow(r.nextDouble(), -0.7) * (r.nextBoolean() ? 1 : -1);  // heavy tail
                    case 3 -> r.nextInt(5) - 2;                                     // repeats
                    default -> (r.nextDouble() - 0.3) * 4 * scale;
                };
                x[i] = (float) v;
                if (r.nextInt(97) == 0) x[i] = r.nextBoolean() ? 0.0f : -0.0f;
            }
            if (nonFinite && r.nextInt(4) == 0) {
                int k = r.nextInt(per);
                x[k] = switch (r.nextInt(3)) {
                    case 0 -> Float.NaN;
                    case 1 -> Float.POSITIVE_INFINITY;
                    default -> Float.NEGATIVE_INFINITY;
                };
            }
            out.add(x);
        }
        return out;
    }

    /** Stacks samples [from, to) into one batch tensor [to - from, c, h, w]. */
    public static FloatTensor batch(List<float[]> samples, int from, int to, int c, int h, int w) {
        int per = c * h * w;
        float[] d = new float[(to - from) * per];
        for (int s = from; s < to; s++) System.arraycopy(samples.get(s), 0, d, (s - from) * per, per);
        return new FloatTensor(d, new int[] {to - from, c, h, w});
    }
}
