package org.quantlake.core.kernels;

import java.util.Objects;

/**
 * Argument checks shared by every {@link FloatKernels} implementation, so all of them reject the same bad calls
 * with the same exceptions before touching memory (the kernels then index without further range reasoning).
 */
final class KernelArgs {

    private KernelArgs() {
    }

    /** Checks a {@link FloatKernels#gemm} call: non-negative sizes and three in-bounds row-major views. */
    static void checkGemm(int m, int n, int k,
                          float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative GEMM size m=" + m + " n=" + n + " k=" + k);
        }
        checkMatrix("a", a, aOff, m, k, lda);
        checkMatrix("b", b, bOff, k, n, ldb);
        checkMatrix("c", c, cOff, m, n, ldc);
    }

    /** Checks that {@code rows x cols} values at {@code off} with row stride {@code ld} lie inside {@code x}. */
    static void checkMatrix(String name, float[] x, int off, int rows, int cols, int ld) {
        Objects.requireNonNull(x, name);
        if (rows == 0 || cols == 0) {
            return; // an empty view touches nothing, so any offset and stride is harmless
        }
        if (ld < cols) {
            throw new IllegalArgumentException("leading dimension of " + name + " (" + ld + ") < row length " + cols);
        }
        long end = off + (long) (rows - 1) * ld + cols;
        if (off < 0 || end > x.length) {
            throw new IndexOutOfBoundsException(name + ": " + rows + "x" + cols + " view at offset " + off
                    + " with stride " + ld + " ends at " + end + ", array length " + x.length);
        }
    }

    /** Checks that {@code n} values starting at {@code off} lie inside {@code x}. */
    static void checkRange(String name, float[] x, int off, int n) {
        Objects.requireNonNull(x, name);
        Objects.checkFromIndexSize(off, n, x.length);
    }

    /** Checks a {@link FloatKernels#biasClamp} call; a clamp needs {@code lo <= hi} (as {@code Math.clamp}). */
    static void checkBiasClamp(float[] x, int off, int rows, int cols, float[] bias, float lo, float hi) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative size rows=" + rows + " cols=" + cols);
        }
        checkMatrix("x", x, off, rows, cols, cols);
        if (bias != null && bias.length < rows) {
            throw new IndexOutOfBoundsException("bias has " + bias.length + " values for " + rows + " rows");
        }
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp bounds must satisfy lo <= hi, got [" + lo + ", " + hi + "]");
        }
    }
}
