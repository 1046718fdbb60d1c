package org.quantlake.core.kernels;

import java.util.Objects;

/**
 * {@link Int8Kernels} in the native library at one dispatch level, bit-identical to {@link DefaultInt8Kernels}.
 * Arguments are checked here, in Java, exactly as the other implementations check them; the native code trusts
 * them. Stateless and thread-safe: prepared layers are read-only, per-call memory is the caller's scratch (the plain
 * GEMMs allocate their own).
 */
final class NativeInt8Kernels implements Int8Kernels {

    private static final Int8Kernels JAVA_ELEMENTWISE =
            KernelProvider.panamaInt8Kernels().orElseGet(KernelProvider::javaInt8Kernels);

    private final NativeLevel level;

    /** Only for levels {@link NativeLibrary#status()} lists. */
    NativeInt8Kernels(NativeLevel level) {
        if (!NativeLibrary.status().levels().contains(level)) {
            throw new UnsupportedOperationException("native level " + level.id() + " cannot run here: "
                    + NativeLibrary.unavailableReason().orElse("CPU features " + NativeLibrary.status().cpu()));
        }
        this.level = level;
    }

    NativeLevel level() {
        return level;
    }

    @Override
    public String name() {
        return "native-" + level.id();
    }

    @Override
    public void gemmS8U8(int m, int n, int k, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb,
                         int[] c, int cOff, int ldc) {
        KernelArgs.checkInt8Gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m > 0 && n > 0) {
            NativeInt8.gemmS8U8(level.code, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }
    }

    @Override
    public void gemmU8S8(int m, int n, int k, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb,
                         int[] c, int cOff, int ldc) {
        KernelArgs.checkInt8Gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m > 0 && n > 0) {
            NativeInt8.gemmU8S8(level.code, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }
    }

    @Override
    public void requantizeRows(int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult, int zp,
                               int lo, int hi, byte[] y, int yOff) {
        KernelArgs.checkRequantize(acc, accOff, rows, cols, offset, mult, rows, zp, lo, hi, y, yOff);
        if (rows > 0 && cols > 0) {
            NativeInt8.requantize(level.code, true, acc, accOff, rows, cols, offset, mult, zp, lo, hi, y, yOff);
        }
    }

    @Override
    public void requantizeCols(int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult, int zp,
                               int lo, int hi, byte[] y, int yOff) {
        KernelArgs.checkRequantize(acc, accOff, rows, cols, offset, mult, cols, zp, lo, hi, y, yOff);
        if (rows > 0 && cols > 0) {
            NativeInt8.requantize(level.code, false, acc, accOff, rows, cols, offset, mult, zp, lo, hi, y, yOff);
        }
    }

    @Override
    public Int8Conv prepareConv(Int8ConvSpec spec, byte[] weights, int[] bias, float[] mult) {
        KernelArgs.checkConvWeights(spec, weights, bias, mult);
        return new NativeConv(level, spec, weights, bias, mult);
    }

    @Override
    public Int8Linear prepareLinear(Int8LinearSpec spec, byte[] weightsKN, int[] bias, float[] mult) {
        KernelArgs.checkLinearWeights(spec, weightsKN, bias, mult);
        return new NativeLinear(level, spec, weightsKN, bias, mult);
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NativeInt8Kernels && ((NativeInt8Kernels) o).level == level;
    }

    @Override
    public int hashCode() {
        return Objects.hash(NativeInt8Kernels.class, level);
    }

    /**
     * The native library has no max pool (it is memory-bound and the Vector API loop is as fast as a C one would
     * be): the JVM's best Java int8 kernel runs it.
     */
    @Override
    public void maxU8(int n, byte[] x, int xOff, byte[] y, int yOff) {
        JAVA_ELEMENTWISE.maxU8(n, x, xOff, y, yOff);
    }

    /** Elementwise and memory-bound: the JVM's best Java int8 kernel runs it, as {@link #maxU8}. */
    @Override
    public void addU8(int n, byte[] a, int aOff, float aScale, int aZp, byte[] b, int bOff, float bScale, int bZp,
                      float yScale, int yZp, int lo, int hi, byte[] y, int yOff) {
        JAVA_ELEMENTWISE.addU8(n, a, aOff, aScale, aZp, b, bOff, bScale, bZp, yScale, yZp, lo, hi, y, yOff);
    }

    /** Elementwise and memory-bound: the JVM's best Java int8 kernel runs it, as {@link #maxU8}. */
    @Override
    public void quantize(int n, float[] x, int xOff, float scale, int zp, boolean signed, byte[] y, int yOff) {
        JAVA_ELEMENTWISE.quantize(n, x, xOff, scale, zp, signed, y, yOff);
    }

    /** One JNI call for all planes: the Java separable passes make several calls per output row on small planes. */
    @Override
    public void maxPoolU8(Int8MaxPoolPlane pool, int planes, byte[] x, int xOff, byte[] y, int yOff, byte[] scratch) {
        KernelArgs.checkPool(pool, planes, x, xOff, y, yOff, scratch);
        if (planes == 0) {
            return;
        }
        NativeInt8.maxPoolU8(pool.geometry(), x, xOff, planes, y, yOff, scratch);
    }
}
