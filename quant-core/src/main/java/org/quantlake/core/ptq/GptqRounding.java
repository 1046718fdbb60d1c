package org.quantlake.core.ptq;

import org.quantlake.core.quant.QuantDType;
import org.quantlake.core.quant.Quantization;

/**
 * GPTQ weight rounding (Frantar et al., "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained
 * Transformers", 2022; the OBQ update without its lazy batching, which only matters for far wider layers).
 *
 * <p>A layer computes {@code y = W x}. Rounding each weight to its nearest grid point minimises every weight's own
 * error, not the error of {@code y}. GPTQ walks the input columns in order; after rounding column {@code i} it moves
 * the not-yet-rounded weights of each row by the error times row {@code i} of the upper Cholesky factor of
 * {@code H^-1}, where {@code H = sum x x^T} over the calibration inputs, so that later columns cancel what earlier
 * roundings broke. With {@code H} diagonal (inputs uncorrelated) nothing moves and the result is nearest rounding.
 *
 * <p>Scales are fixed beforehand (the caller's per-channel or per-tensor choice); only the integers change, inside
 * the same symmetric [-127, 127]. Deterministic: plain double arithmetic in a fixed order, so equal inputs give equal
 * bytes on every JVM.
 */
final class GptqRounding {
    /** GPTQ's default dampening: 1% of the mean diagonal added to the diagonal, so H is safely positive definite. */
    static final double DAMP = 0.01;
    private static final int QMAX = 127;

    private GptqRounding() {}

    /**
     * Rounds {@code rows x k} weights (row-major: one output channel per row, its k inputs in the order of the
     * Hessian's rows) with per-row {@code scales}. Returns int8 values in the same layout. Falls back to nearest
     * rounding when the Hessian carries no information (no non-zero input seen).
     */
    static byte[] round(float[] w, int rows, int k, float[] scales, double[][] hessian) {
        if (w.length != rows * k || scales.length != rows || hessian.length != k) {
            throw new IllegalArgumentException("GPTQ shapes: " + w.length + " weights, " + rows + " rows of " + k + ", "
                    + scales.length + " scales, Hessian of " + hessian.length);
        }
        double[][] u = upperFactorOfInverse(hessian);
        byte[] q = new byte[w.length];
        if (u == null) {
            // exactly the NEAREST path (Quantization.quantize): float32 division, half to even
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < k; i++) {
                    q[r * k + i] = (byte) (scales[r] == 0f ? 0 : Quantization.quantize(w[r * k + i], scales[r], 0, QuantDType.QINT8));
                }
            }
            return q;
        }
        double[] row = new double[k];
        for (int r = 0; r < rows; r++) {
            float s = scales[r];
            for (int i = 0; i < k; i++) row[i] = w[r * k + i];
            for (int i = 0; i < k; i++) {
                int qi = nearest(row[i], s);
                q[r * k + i] = (byte) qi;
                double err = (row[i] - (double) qi * s) / u[i][i];
                double[] ui = u[i];
                for (int j = i + 1; j < k; j++) row[j] -= err * ui[j];
            }
        }
        return q;
    }

    /** The nearest grid integer, half to even, within [-127, 127]; 0 for a zero scale (an all-zero channel). */
    static int nearest(double x, float scale) {
        if (scale == 0f) return 0;
        double v = Math.rint(x / scale);
        return (int) Math.max(-QMAX, Math.min(QMAX, v));
    }

    /**
     * The upper triangular {@code U} with {@code H^-1 = U^T U}, after dampening; null when H is all zero. Inputs never
     * seen non-zero (zero diagonal) get a unit diagonal: their weights round to nearest and move nothing else.
     */
    static double[][] upperFactorOfInverse(double[][] hessian) {
        int k = hessian.length;
        double mean = 0;
        for (int i = 0; i < k; i++) mean += hessian[i][i];
        mean /= k;
        if (!(mean > 0) || !Double.isFinite(mean)) return null;
        double[][] h = new double[k][];
        for (int i = 0; i < k; i++) {
            h[i] = hessian[i].clone();
            if (h[i][i] == 0) h[i][i] = 1;
            h[i][i] += DAMP * mean;
        }
        double[][] l = cholesky(h);
        if (l == null) return null;
        double[][] inv = inverseFromCholesky(l);
        double[][] li = cholesky(inv);  // inv = li li^T, so U = li^T
        if (li == null) return null;
        double[][] u = new double[k][k];
        for (int i = 0; i < k; i++) for (int j = i; j < k; j++) u[i][j] = li[j][i];
        return u;
    }

    /** Lower L with {@code a = L L^T}, or null when a is not (numerically) positive definite. */
    static double[][] cholesky(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            double[] li = l[i];
            for (int j = 0; j <= i; j++) {
                double[] lj = l[j];
                double s = a[i][j];
                for (int m = 0; m < j; m++) s -= li[m] * lj[m];
                if (i == j) {
                    if (!(s > 0)) return null;
                    li[i] = Math.sqrt(s);
                } else {
                    li[j] = s / lj[j];
                }
            }
        }
        return l;
    }

    /** {@code (L L^T)^-1} from the lower factor L. */
    static double[][] inverseFromCholesky(double[][] l) {
        int n = l.length;
        double[][] li = new double[n][n];  // L^-1, lower
        for (int i = 0; i < n; i++) {
            li[i][i] = 1 / l[i][i];
            for (int j = 0; j < i; j++) {
                double s = 0;
                for (int m = j; m < i; m++) s -= l[i][m] * li[m][j];
                li[i][j] = s / l[i][i];
            }
        }
        double[][] inv = new double[n][n];  // L^-T L^-1
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int m = i; m < n; m++) s += li[m][i] * li[m][j];
                inv[i][j] = s;
                inv[j][i] = s;
            }
        }
        return inv;
    }
}
