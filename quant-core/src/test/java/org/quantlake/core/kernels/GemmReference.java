package org.quantlake.core.kernels;

/**
 * The naive triple loop in double precision, and the float error bound any summation order must meet.
 *
 * <p>Bound: a float sum of k products (plus the accumulated C value) in any order, with or without FMA, is within
 * {@code gamma(k + 1) * (sum |a_ip * b_pj| + |c0|)} of the exact value, gamma(n) = n u / (1 - n u), u = 2^-24
 * (Higham, Accuracy and Stability of Numerical Algorithms, 3.1). The tests allow twice that, (k + 2) * 2^-23,
 * plus k smallest subnormals for products that underflow. A wrong index or a dropped term misses it by orders of
 * magnitude.
 */
final class GemmReference {

    private GemmReference() {
    }

    /** The exact-enough result C[i][j] (double) of the {@link FloatKernels#gemm} contract, given C's old values. */
    static double[] gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float[] c, int cOff, int ldc, boolean accumulate) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = accumulate ? c[cOff + i * ldc + j] : 0.0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[aOff + i * lda + p] * b[bOff + p * ldb + j];
                }
                out[i * n + j] = s;
            }
        }
        return out;
    }

    /** The allowed absolute error of C[i][j] (see the class comment). */
    static double tolerance(int i, int j, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate) {
        double mag = accumulate ? Math.abs((double) c[cOff + i * ldc + j]) : 0.0;
        for (int p = 0; p < k; p++) {
            mag += Math.abs((double) a[aOff + i * lda + p] * b[bOff + p * ldb + j]);
        }
        return (k + 2) * 0x1p-23 * mag + k * (double) Float.MIN_VALUE;
    }
}
