package org.quantlake.core.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Int8Kernels} on the Vector API ({@code jdk.incubator.vector}) with the platform's preferred vector width,
 * bit-identical to {@link DefaultInt8Kernels}. Loaded reflectively by {@link KernelProvider}; stateless and
 * thread-safe (GEMM scratch space is per thread). Like the float kernels, it avoids masked loads and stores (slow
 * near an array's end on JDK 17): tails use zero padding and scalar loops.
 */
final class PanamaInt8Kernels implements Int8Kernels {

    /**
     * Up to this many rows (all of a small m, or the rows left over after whole 8-row tiles) stream B row by row
     * instead of padding a register tile, as in {@link PanamaFloatKernels}.
     */
    private static final int ROW_PATH_MAX_ROWS = 3;

    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;

    /** Checked by {@link KernelProvider}, which falls back to the plain-Java kernels with a warning. */
    PanamaInt8Kernels() {
        int lanes = IntVector.SPECIES_PREFERRED.length();
        if (lanes < 4) {
            throw new UnsupportedOperationException(
                    "the preferred int vector has " + lanes + " lanes here; the Vector API kernels need at least 4");
        }
    }

    @Override
    public String name() {
        return "panama";
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
            return;
        }
        int tail = m % PanamaInt8BlockedGemm.MR;
        int streamed = tail <= ROW_PATH_MAX_ROWS ? tail : 0;
        int blocked = m - streamed;
        if (blocked > 0) {
            PanamaInt8BlockedGemm.gemm(blocked, n, k, a, aOff, lda, aMask, b, bOff, ldb, bMask, c, cOff, ldc);
        }
        if (streamed > 0) {
            PanamaInt8RowGemm.gemm(streamed, n, k, a, aOff + blocked * lda, lda, aMask, b, bOff, ldb, bMask,
                    c, cOff + blocked * ldc, ldc);
        }
    }

    @Override
    public void requantizeRows(int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult, int zp,
                               int lo, int hi, byte[] y, int yOff) {
        KernelArgs.checkRequantize(acc, accOff, rows, cols, offset, mult, rows, zp, lo, hi, y, yOff);
        PanamaRequantize.rows(acc, accOff, rows, cols, offset, mult, zp, lo, hi, y, yOff);
    }

    @Override
    public void requantizeCols(int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult, int zp,
                               int lo, int hi, byte[] y, int yOff) {
        KernelArgs.checkRequantize(acc, accOff, rows, cols, offset, mult, cols, zp, lo, hi, y, yOff);
        PanamaRequantize.cols(acc, accOff, rows, cols, offset, mult, zp, lo, hi, y, yOff);
    }

    @Override
    public void quantize(int n, float[] x, int xOff, float scale, int zp, boolean signed, byte[] y, int yOff) {
        KernelArgs.checkQuantize(n, x, xOff, zp, signed, y, yOff);
        PanamaQuantize.quantize(n, x, xOff, scale, zp, signed, y, yOff);
    }

    @Override
    public void maxU8(int n, byte[] x, int xOff, byte[] y, int yOff) {
        KernelArgs.checkBytes(n, x, xOff, y, yOff);
        // No unsigned max in JDK 17's Vector API: flipping the sign bit maps uint8 order onto int8 order.
        ByteVector flip = ByteVector.broadcast(BYTES, (byte) 0x80);
        int vn = BYTES.loopBound(n);
        int i = 0;
        for (; i < vn; i += BYTES.length()) {
            ByteVector a = ByteVector.fromArray(BYTES, y, yOff + i).lanewise(VectorOperators.XOR, flip);
            ByteVector b = ByteVector.fromArray(BYTES, x, xOff + i).lanewise(VectorOperators.XOR, flip);
            a.max(b).lanewise(VectorOperators.XOR, flip).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = (byte) Math.max(y[yOff + i] & 0xFF, x[xOff + i] & 0xFF);
        }
    }

    @Override
    public void addU8(int n, byte[] a, int aOff, float aScale, int aZp, byte[] b, int bOff, float bScale, int bZp,
                      float yScale, int yZp, int lo, int hi, byte[] y, int yOff) {
        KernelArgs.checkAdd(n, a, aOff, aZp, b, bOff, bZp, yZp, lo, hi, y, yOff);
        int done = PanamaQAdd.add(n, a, aOff, aScale, aZp, b, bOff, bScale, bZp, yScale, yZp, lo, hi, y, yOff);
        DefaultInt8Kernels.addU8Scalar(done, n, a, aOff, aScale, aZp, b, bOff, bScale, bZp, yScale, yZp, lo, hi, y, yOff);
    }
}
