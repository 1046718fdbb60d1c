package org.quantlake.core.kernels;

/**
 * Plain-Java {@link FloatKernels}: always available, no incubator modules. Stateless and thread-safe (the GEMM's
 * scratch space is per thread).
 *
 * <p>The GEMM is written for C2's auto-vectoriser, which on JDK 17 only vectorises the inner loop when every
 * array in it is indexed by the loop variable plus the <em>same</em> loop-invariant offset: {@code c[co + j] +=
 * s * b[bo + j]} with {@code co != bo} stays scalar (measured 4-7 GFLOP/s against 35-49 GFLOP/s). So each block of
 * B is copied into one zero-based array per row, and C rows accumulate in zero-based scratch rows, which makes
 * every inner-loop index plain {@code j}. See {@link DefaultGemm}.
 */
public final class DefaultFloatKernels implements FloatKernels {

    /** The one instance (the class has no state). */
    public static final DefaultFloatKernels INSTANCE = new DefaultFloatKernels();

    private DefaultFloatKernels() {
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public void gemm(int m, int n, int k,
                     float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc,
                     boolean accumulate) {
        KernelArgs.checkGemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if ((long) m * n * k <= ScalarGemm.SMALL_WORK) {
            ScalarGemm.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            DefaultGemm.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        KernelArgs.checkRange("a", a, aOff, n);
        KernelArgs.checkRange("b", b, bOff, n);
        // Float addition is not associative, so C2 will not vectorise this reduction; four independent sums at
        // least hide the add latency.
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += a[aOff + i] * b[bOff + i];
            s1 += a[aOff + i + 1] * b[bOff + i + 1];
            s2 += a[aOff + i + 2] * b[bOff + i + 2];
            s3 += a[aOff + i + 3] * b[bOff + i + 3];
        }
        for (; i < n; i++) {
            s0 += a[aOff + i] * b[bOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void biasClamp(float[] x, int off, int rows, int cols, float[] bias, float lo, float hi) {
        KernelArgs.checkBiasClamp(x, off, rows, cols, bias, lo, hi);
        for (int r = 0; r < rows; r++) {
            int start = off + r * cols;
            int end = start + cols;
            if (bias == null) {
                // No "+ 0f" here: it would turn -0.0 into +0.0.
                for (int i = start; i < end; i++) {
                    x[i] = Math.min(Math.max(x[i], lo), hi);
                }
            } else {
                float bv = bias[r];
                for (int i = start; i < end; i++) {
                    x[i] = Math.min(Math.max(x[i] + bv, lo), hi);
                }
            }
        }
    }

    @Override
    public void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.checkRows(n, x, xOff, y, yOff);
        for (int i = 0; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }

    @Override
    public void maxInto(int n, float[] x, int xOff, float[] y, int yOff) {
        KernelArgs.checkRows(n, x, xOff, y, yOff);
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.max(y[yOff + i], x[xOff + i]);
        }
    }
}
