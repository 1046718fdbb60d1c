package org.quantlake.core.kernels;

import org.quantlake.core.quant.Requantizer;

/** Plain-Java int8 kernels: the reference every faster implementation must match bit for bit. */
public final class DefaultInt8Kernels implements Int8Kernels {
    /** The shared instance (stateless). */
    public static final DefaultInt8Kernels INSTANCE = new DefaultInt8Kernels();

    @Override
    public String name() { return "java"; }

    @Override
    public void gemmS8U8(int m, int n, int k, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb, int[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            java.util.Arrays.fill(c, ci, ci + n, 0);
            for (int p = 0; p < k; p++) {
                int av = a[aOff + i * lda + p];
                if (av == 0) continue;
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) c[ci + j] += av * (b[bp + j] & 0xFF);
            }
        }
    }

    @Override
    public void gemmU8S8(int m, int n, int k, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb, int[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            java.util.Arrays.fill(c, ci, ci + n, 0);
            for (int p = 0; p < k; p++) {
                int av = a[aOff + i * lda + p] & 0xFF;
                if (av == 0) continue;
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
            }
        }
    }

    @Override
    public void requantizeRows(int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult, int zp, int lo, int hi,
                               byte[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            int off = offset[r];
            float mu = mult[r];
            int base = r * cols;
            for (int j = 0; j < cols; j++) {
                y[yOff + base + j] = (byte) Requantizer.requantize(acc[accOff + base + j] + off, mu, zp, lo, hi);
            }
        }
    }

    @Override
    public void requantizeCols(int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult, int zp, int lo, int hi,
                               byte[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) {
                y[yOff + base + j] = (byte) Requantizer.requantize(acc[accOff + base + j] + offset[j], mult[j], zp, lo, hi);
            }
        }
    }
}
