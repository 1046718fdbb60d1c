package org.quantlake.core.kernels;

/** Plain-Java kernels (placeholder until the kernels branch lands; replaced there by the blocked version). */
public final class DefaultFloatKernels implements FloatKernels {
    @Override
    public String name() { return "java"; }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = a[aOff + i * lda + p];
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
            }
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public void biasClamp(float[] x, int off, int rows, int cols, float[] bias, float lo, float hi) {
        for (int r = 0; r < rows; r++) {
            float bv = bias == null ? 0f : bias[r];
            for (int i = off + r * cols, e = i + cols; i < e; i++) x[i] = Math.min(Math.max(x[i] + bv, lo), hi);
        }
    }
}
