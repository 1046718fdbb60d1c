package org.quantlake.core.ptq;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quantlake.core.quant.QuantDType;
import org.quantlake.core.quant.Quantization;

/** GPTQ rounding against nearest rounding, on the objective it minimises and on the cases where it must equal it. */
class GptqRoundingTest {
    /** Correlated inputs: x = A z, z standard normal; returns the columns (n x k) and the Gram matrix. */
    static double[][] gram(double[][] x) {
        int k = x[0].length;
        double[][] h = new double[k][k];
        for (double[] c : x) for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) h[a][b] += c[a] * c[b];
        return h;
    }

    static double[][] correlatedInputs(int n, int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] mix = new double[k][k];
        for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) mix[a][b] = r.nextGaussian() + (a == b ? 2 : 0);
        double[][] x = new double[n][k];
        for (int i = 0; i < n; i++) {
            double[] z = new double[k];
            for (int b = 0; b < k; b++) z[b] = r.nextGaussian();
            for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) x[i][a] += mix[a][b] * z[b];
        }
        return x;
    }

    /** Sum over columns and rows of ((W - Q s) x)^2. */
    static double outputError(float[] w, byte[] q, float[] scales, int rows, int k, double[][] x) {
        double e = 0;
        for (double[] c : x) {
            for (int r = 0; r < rows; r++) {
                double d = 0;
                for (int a = 0; a < k; a++) d += (w[r * k + a] - q[r * k + a] * (double) scales[r]) * c[a];
                e += d * d;
            }
        }
        return e;
    }

    static byte[] nearest(float[] w, float[] scales, int rows, int k) {
        byte[] q = new byte[w.length];
        for (int r = 0; r < rows; r++) for (int a = 0; a < k; a++) q[r * k + a] = (byte) Quantization.quantize(w[r * k + a], scales[r], 0, QuantDType.QINT8);
        return q;
    }

    static float[] scales(float[] w, int rows, int k) {
        float[] s = new float[rows];
        for (int r = 0; r < rows; r++) {
            float m = 0;
            for (int a = 0; a < k; a++) m = Math.max(m, Math.abs(w[r * k + a]));
            s[r] = m / 127f;
        }
        return s;
    }

    @Test
    void lowersTheLayerOutputErrorOnCorrelatedInputs() {
        for (int[] shape : new int[][] {{8, 27}, {16, 64}, {3, 145}}) {
            int rows = shape[0];
            int k = shape[1];
            SplittableRandom r = new SplittableRandom(k);
            float[] w = new float[rows * k];
            for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * 0.1);
            float[] s = scales(w, rows, k);
            double[][] x = correlatedInputs(4 * k, k, k + 1);
            byte[] g = GptqRounding.round(w, rows, k, s, gram(x));
            byte[] n = nearest(w, s, rows, k);
            double eg = outputError(w, g, s, rows, k, x);
            double en = outputError(w, n, s, rows, k, x);
            System.out.printf("GPTQ %dx%d: output error %.4g vs nearest %.4g (%.2fx)%n", rows, k, eg, en, en / eg);
            assertTrue(eg < 0.8 * en, rows + "x" + k + ": GPTQ " + eg + " vs nearest " + en);
            for (byte b : g) assertTrue(b >= -127, "symmetric range: -128 is never used");
            // every weight stays within a few steps of its nearest point (errors are spread, not accumulated)
            for (int i = 0; i < w.length; i++) assertTrue(Math.abs(g[i] - n[i]) <= 8, "weight " + i + " moved " + (g[i] - n[i]) + " steps");
        }
    }

    @Test
    void uncorrelatedInputsOrNoInformationGiveNearestRounding() {
        int rows = 5;
        int k = 11;
        SplittableRandom r = new SplittableRandom(1);
        float[] w = new float[rows * k];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        w[3] = 0;  // ties and zeros take the nearest path's rounding
        float[] s = scales(w, rows, k);
        s[2] = 0f;  // an all-zero channel
        for (int i = 2 * k; i < 3 * k; i++) w[i] = 0;
        double[][] diag = new double[k][k];
        for (int a = 0; a < k; a++) diag[a][a] = 1 + a;
        assertArrayEquals(nearest(w, s, rows, k), GptqRounding.round(w, rows, k, s, diag), "diagonal Hessian moves nothing");
        assertArrayEquals(nearest(w, s, rows, k), GptqRounding.round(w, rows, k, s, new double[k][k]), "an all-zero Hessian falls back");
    }

    @Test
    void choleskyAndInverseAreRight() {
        double[][] x = correlatedInputs(40, 9, 5);
        double[][] h = gram(x);
        double[][] u = GptqRounding.upperFactorOfInverse(h);
        // U^T U (H + damp) = I
        double mean = 0;
        for (int i = 0; i < 9; i++) mean += h[i][i] / 9;
        for (int i = 0; i < 9; i++) {
            for (int j = 0; j < 9; j++) {
                double s = 0;
                for (int m = 0; m < 9; m++) {
                    double inv = 0;
                    for (int t = 0; t < 9; t++) inv += u[t][i] * u[t][m];
                    s += inv * (h[m][j] + (m == j ? GptqRounding.DAMP * mean : 0));
                }
                assertEquals(i == j ? 1 : 0, s, 1e-9, "(" + i + "," + j + ")");
            }
            for (int j = 0; j < i; j++) assertEquals(0, u[i][j], "U is upper triangular");
        }
        assertNull(GptqRounding.cholesky(new double[][] {{1, 2}, {2, 1}}), "not positive definite");
    }

    @Test
    void refusesMismatchedShapes() {
        assertThrows(IllegalArgumentException.class, () -> GptqRounding.round(new float[6], 2, 3, new float[2], new double[2][2]));
        assertThrows(IllegalArgumentException.class, () -> GptqRounding.round(new float[6], 2, 3, new float[3], new double[3][3]));
    }
}
