package org.quantlake.core.kernels;

import org.quantlake.core.quant.QuantDType;
import org.quantlake.core.quant.Quantization;

import org.quantlake.core.quant.Requantizer;

/**
 * Plain-Java int8 kernels: always available, no incubator modules, and the reference every faster implementation
 * must match bit for bit. Stateless and thread-safe (the GEMM's scratch space is per thread).
 *
 * <p>The GEMM is blocked for C2's auto-vectoriser ({@link DefaultInt8Gemm}); requantization applies
 * {@link Requantizer#requantize} element by element, which is the rule's definition.
 */
public final class DefaultInt8Kernels implements Int8Kernels {

    /** The one instance (the class has no state). */
    public static final DefaultInt8Kernels INSTANCE = new DefaultInt8Kernels();

    private DefaultInt8Kernels() {
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public void gemmS8U8(int m, int n, int k, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb,
                         int[] c, int cOff, int ldc) {
        KernelArgs.checkInt8Gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        gemm(m, n, k, a, aOff, lda, ScalarInt8Gemm.S8, b, bOff, ldb, ScalarInt8Gemm.U8, c, cOff, ldc);
    }

    @Override
    public void gemmU8S8(int m, int n, int k, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb,
                         int[] c, int cOff, int ldc) {
        KernelArgs.checkInt8Gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        gemm(m, n, k, a, aOff, lda, ScalarInt8Gemm.U8, b, bOff, ldb, ScalarInt8Gemm.S8, c, cOff, ldc);
    }

    private static void gemm(int m, int n, int k, byte[] a, int aOff, int lda, int aMask,
                             byte[] b, int bOff, int ldb, int bMask, int[] c, int cOff, int ldc) {
        if ((long) m * n * k <= ScalarGemm.SMALL_WORK) {
            ScalarInt8Gemm.gemm(m, n, k, a, aOff, lda, aMask, b, bOff, ldb, bMask, c, cOff, ldc);
        } else {
            DefaultInt8Gemm.gemm(m, n, k, a, aOff, lda, aMask, b, bOff, ldb, bMask, c, cOff, ldc);
        }
    }

    @Override
    public void requantizeRows(int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult, int zp,
                               int lo, int hi, byte[] y, int yOff) {
        KernelArgs.checkRequantize(acc, accOff, rows, cols, offset, mult, rows, zp, lo, hi, y, yOff);
        for (int r = 0; r < rows; r++) {
            int off = offset[r];
            float mu = mult[r];
            int a = accOff + r * cols;
            int o = yOff + r * cols;
            for (int j = 0; j < cols; j++) {
                y[o + j] = (byte) Requantizer.requantize(acc[a + j] + off, mu, zp, lo, hi);
            }
        }
    }

    @Override
    public void requantizeCols(int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult, int zp,
                               int lo, int hi, byte[] y, int yOff) {
        KernelArgs.checkRequantize(acc, accOff, rows, cols, offset, mult, cols, zp, lo, hi, y, yOff);
        for (int r = 0; r < rows; r++) {
            int a = accOff + r * cols;
            int o = yOff + r * cols;
            for (int j = 0; j < cols; j++) {
                y[o + j] = (byte) Requantizer.requantize(acc[a + j] + offset[j], mult[j], zp, lo, hi);
            }
        }
    }

    @Override
    public void maxU8(int n, byte[] x, int xOff, byte[] y, int yOff) {
        KernelArgs.checkBytes(n, x, xOff, y, yOff);
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (byte) Math.max(y[yOff + i] & 0xFF, x[xOff + i] & 0xFF);
        }
    }

    @Override
    public void addU8(int n, byte[] a, int aOff, float aScale, int aZp, byte[] b, int bOff, float bScale, int bZp,
                      float yScale, int yZp, int lo, int hi, byte[] y, int yOff) {
        KernelArgs.checkAdd(n, a, aOff, aZp, b, bOff, bZp, yZp, lo, hi, y, yOff);
        addU8Scalar(0, n, a, aOff, aScale, aZp, b, bOff, bScale, bZp, yScale, yZp, lo, hi, y, yOff);
    }

    /** {@link #addU8Value} over elements [from, to); also the Vector API version's tail and non-finite fallback. */
    static void addU8Scalar(int from, int to, byte[] a, int aOff, float aScale, int aZp, byte[] b, int bOff,
                            float bScale, int bZp, float yScale, int yZp, int lo, int hi, byte[] y, int yOff) {
        for (int i = from; i < to; i++) {
            y[yOff + i] = addU8Value(a[aOff + i], aScale, aZp, b[bOff + i], bScale, bZp, yScale, yZp, lo, hi);
        }
    }

    /**
     * The int8 Add definition of {@link Int8Kernels#addU8} for one element (also QAdd's broadcasting path, so the
     * definition is written once).
     */
    public static byte addU8Value(byte a, float aScale, int aZp, byte b, float bScale, int bZp, float yScale, int yZp,
                                  int lo, int hi) {
        float v = (((a & 0xFF) - aZp) * aScale + ((b & 0xFF) - bZp) * bScale) / yScale;
        v = Math.min(Math.max(v, (float) (lo - yZp)), (float) (hi - yZp));
        return (byte) ((int) Math.rint(v) + yZp);
    }

    /** {@link Int8Kernels#quantize} over elements [from, to): the scalar definition, also the vector versions' tail. */
    static void quantizeScalar(int from, int to, float[] x, int xOff, float scale, int zp, boolean signed, byte[] y,
                               int yOff) {
        Quantization.quantize(x, xOff + from, y, yOff + from, to - from, scale, zp, signed ? QuantDType.QINT8 : QuantDType.QUINT8);
    }
}
