package org.quantlake.core.kernels;

import java.util.Objects;

/**
 * Argument checks shared by every {@link FloatKernels} and {@link Int8Kernels} implementation, so all of them reject
 * the same bad calls with the same exceptions before touching memory (the kernels then index without further range
 * reasoning).
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
        checkView(name, x.length, off, rows, cols, ld);
    }

    /** As {@link #checkMatrix(String, float[], int, int, int, int)} for a byte matrix. */
    static void checkMatrix(String name, byte[] x, int off, int rows, int cols, int ld) {
        Objects.requireNonNull(x, name);
        checkView(name, x.length, off, rows, cols, ld);
    }

    /** As {@link #checkMatrix(String, float[], int, int, int, int)} for an int matrix. */
    static void checkMatrix(String name, int[] x, int off, int rows, int cols, int ld) {
        Objects.requireNonNull(x, name);
        checkView(name, x.length, off, rows, cols, ld);
    }

    private static void checkView(String name, int length, int off, int rows, int cols, int ld) {
        if (rows == 0 || cols == 0) {
            return; // an empty view touches nothing, so any offset and stride is harmless
        }
        if (ld < cols) {
            throw new IllegalArgumentException("leading dimension of " + name + " (" + ld + ") < row length " + cols);
        }
        long end = off + (long) (rows - 1) * ld + cols;
        if (off < 0 || end > length) {
            throw new IndexOutOfBoundsException(name + ": " + rows + "x" + cols + " view at offset " + off
                    + " with stride " + ld + " ends at " + end + ", array length " + length);
        }
    }

    /** Checks that {@code n} values starting at {@code off} lie inside {@code x}. */
    static void checkRange(String name, float[] x, int off, int n) {
        Objects.requireNonNull(x, name);
        Objects.checkFromIndexSize(off, n, x.length);
    }

    /** Checks a {@link FloatKernels#biasClamp} call; a clamp needs {@code lo <= hi} (as {@code Math.clamp}). */
    static void checkAdd(int n, byte[] a, int aOff, int aZp, byte[] b, int bOff, int bZp, int yZp, int lo, int hi,
                         byte[] y, int yOff) {
        checkBytes(n, a, aOff, y, yOff);
        checkBytes(n, b, bOff, y, yOff);
        if (aZp < 0 || aZp > 255 || bZp < 0 || bZp > 255 || yZp < 0 || yZp > 255) {
            throw new IllegalArgumentException("uint8 zero points must be in [0, 255], got " + aZp + ", " + bZp + ", " + yZp);
        }
        if (lo < 0 || hi > 255 || lo > hi) {
            throw new IllegalArgumentException("bounds must satisfy 0 <= lo <= hi <= 255, got [" + lo + ", " + hi + "]");
        }
    }

    static void checkQuantize(int n, float[] x, int xOff, int zp, boolean signed, byte[] y, int yOff) {
        if (n < 0) {
            throw new IllegalArgumentException("negative size n=" + n);
        }
        checkMatrix("x", x, xOff, 1, n, n);
        checkMatrix("y", y, yOff, 1, n, n);
        int lo = signed ? -128 : 0;
        if (zp < lo || zp > lo + 255) {
            throw new IllegalArgumentException((signed ? "int8" : "uint8") + " zero point must be in [" + lo + ", "
                    + (lo + 255) + "], got " + zp);
        }
    }

    static void checkPool(Int8MaxPoolPlane pool, int planes, byte[] x, int xOff, byte[] y, int yOff, byte[] scratch) {
        checkPool(planes, pool.inSize(), pool.outSize(), pool.scratchSize(), "bytes", Objects.requireNonNull(x, "x").length,
                xOff, Objects.requireNonNull(y, "y").length, yOff, Objects.requireNonNull(scratch, "scratch").length);
    }

    static void checkPool(MaxPoolPlane pool, int planes, float[] x, int xOff, float[] y, int yOff, float[] scratch) {
        checkPool(planes, pool.inSize(), pool.outSize(), pool.scratchSize(), "floats", Objects.requireNonNull(x, "x").length,
                xOff, Objects.requireNonNull(y, "y").length, yOff, Objects.requireNonNull(scratch, "scratch").length);
    }

    private static void checkPool(int planes, int inSize, int outSize, int scratchNeed, String unit, int xLength, int xOff,
                                  int yLength, int yOff, int scratchLength) {
        if (planes < 0) {
            throw new IllegalArgumentException("negative plane count " + planes);
        }
        checkView("x", xLength, xOff, planes, inSize, inSize);
        checkView("y", yLength, yOff, planes, outSize, outSize);
        if (scratchLength < scratchNeed) {
            throw new IllegalArgumentException("scratch has " + scratchLength + " " + unit + ", the pool needs " + scratchNeed);
        }
    }

    static void checkBytes(int n, byte[] x, int xOff, byte[] y, int yOff) {
        if (n < 0) {
            throw new IllegalArgumentException("negative size n=" + n);
        }
        checkMatrix("x", x, xOff, 1, n, n);
        checkMatrix("y", y, yOff, 1, n, n);
    }

    static void checkRows(int n, float[] x, int xOff, float[] y, int yOff) {
        if (n < 0) {
            throw new IllegalArgumentException("negative size n=" + n);
        }
        checkMatrix("x", x, xOff, 1, n, n);
        checkMatrix("y", y, yOff, 1, n, n);
    }

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

    /** Checks an {@link Int8Kernels} GEMM call: non-negative sizes and three in-bounds row-major views. */
    static void checkInt8Gemm(int m, int n, int k,
                              byte[] a, int aOff, int lda,
                              byte[] b, int bOff, int ldb,
                              int[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative GEMM size m=" + m + " n=" + n + " k=" + k);
        }
        checkMatrix("a", a, aOff, m, k, lda);
        checkMatrix("b", b, bOff, k, n, ldb);
        checkMatrix("c", c, cOff, m, n, ldc);
    }

    /**
     * Checks a requantize call with {@code params} multipliers and offsets (rows or cols): dense in-bounds views,
     * and a uint8 clamp {@code 0 <= lo <= hi <= 255} and zero point, which keep every clamped value within +-255.
     */
    static void checkRequantize(int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult, int params,
                                int zp, int lo, int hi, byte[] y, int yOff) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative size rows=" + rows + " cols=" + cols);
        }
        checkMatrix("acc", acc, accOff, rows, cols, cols);
        checkMatrix("y", y, yOff, rows, cols, cols);
        Objects.requireNonNull(offset, "offset");
        Objects.requireNonNull(mult, "mult");
        if (rows > 0 && cols > 0 && (offset.length < params || mult.length < params)) {
            throw new IndexOutOfBoundsException("need " + params + " offsets and multipliers, got " + offset.length
                    + " and " + mult.length);
        }
        if (!(0 <= lo && lo <= hi && hi <= 255)) {
            throw new IllegalArgumentException("uint8 clamp must satisfy 0 <= lo <= hi <= 255, got [" + lo + ", "
                    + hi + "]");
        }
        if (zp < 0 || zp > 255) {
            throw new IllegalArgumentException("uint8 zero point must be in [0, 255], got " + zp);
        }
    }

    /** Checks a {@link Int8Kernels#prepareConv} call: array lengths match the spec. */
    static void checkConvWeights(Int8ConvSpec spec, byte[] weights, int[] bias, float[] mult) {
        Objects.requireNonNull(spec, "spec");
        checkLength("weights", Objects.requireNonNull(weights, "weights").length,
                (long) spec.outChannels() * spec.k());
        checkLength("bias", Objects.requireNonNull(bias, "bias").length, spec.outChannels());
        checkLength("mult", Objects.requireNonNull(mult, "mult").length, spec.outChannels());
    }

    /** Checks an {@link Int8Conv#run} call: images >= 0, in-bounds input and output, enough scratch. */
    static void checkConvRun(Int8ConvSpec spec, byte[] x, int xOff, int images, byte[] y, int yOff, byte[] sb,
                             int sbNeed, int[] si, int siNeed) {
        if (images < 0) {
            throw new IllegalArgumentException("negative image count " + images);
        }
        checkSpan("x", Objects.requireNonNull(x, "x").length, xOff, spec.inputBytes(images));
        checkSpan("y", Objects.requireNonNull(y, "y").length, yOff, spec.outputBytes(images));
        checkScratch(sb == null ? 0 : sb.length, sbNeed, si == null ? 0 : si.length, siNeed);
    }

    /** Checks a {@link FloatKernels#prepareConv} call: array lengths match the spec (bias may be null). */
    static void checkFloatConvWeights(FloatConvSpec spec, float[] weights, float[] bias) {
        Objects.requireNonNull(spec, "spec");
        checkLength("weights", Objects.requireNonNull(weights, "weights").length,
                (long) spec.outChannels() * spec.k());
        if (bias != null) {
            checkLength("bias", bias.length, spec.outChannels());
        }
    }

    /** Checks a {@link FloatConv#run} call: images >= 0, in-bounds input and output, enough scratch. */
    static void checkFloatConvRun(FloatConvSpec spec, float[] x, int xOff, int images, float[] y, int yOff,
                                  float[] scratch, int scratchNeed) {
        if (images < 0) {
            throw new IllegalArgumentException("negative image count " + images);
        }
        checkSpan("x", Objects.requireNonNull(x, "x").length, xOff, spec.inputFloats(images));
        checkSpan("y", Objects.requireNonNull(y, "y").length, yOff, spec.outputFloats(images));
        int have = scratch == null ? 0 : scratch.length;
        if (have < scratchNeed) {
            throw new IllegalArgumentException("scratch too small: " + have + " floats, need " + scratchNeed);
        }
    }

    /** Checks a {@link Int8Kernels#prepareLinear} call: array lengths match the spec. */
    static void checkLinearWeights(Int8LinearSpec spec, byte[] weightsKN, int[] bias, float[] mult) {
        Objects.requireNonNull(spec, "spec");
        checkLength("weights", Objects.requireNonNull(weightsKN, "weights").length, (long) spec.k() * spec.n());
        checkLength("bias", Objects.requireNonNull(bias, "bias").length, spec.n());
        checkLength("mult", Objects.requireNonNull(mult, "mult").length, spec.n());
    }

    /** Checks an {@link Int8Linear#run} call. */
    static void checkLinearRun(Int8LinearSpec spec, int m, byte[] a, int aOff, byte[] y, int yOff, byte[] sb,
                               int sbNeed, int[] si, int siNeed) {
        if (m < 0) {
            throw new IllegalArgumentException("negative row count " + m);
        }
        checkSpan("a", Objects.requireNonNull(a, "a").length, aOff, Math.multiplyExact(m, spec.k()));
        checkSpan("y", Objects.requireNonNull(y, "y").length, yOff, Math.multiplyExact(m, spec.n()));
        checkScratch(sb == null ? 0 : sb.length, sbNeed, si == null ? 0 : si.length, siNeed);
    }

    private static void checkLength(String name, int length, long want) {
        if (length != want) {
            throw new IllegalArgumentException(name + " has " + length + " values, the spec needs " + want);
        }
    }

    private static void checkSpan(String name, int length, int off, int size) {
        if (off < 0 || (long) off + size > length) {
            throw new IndexOutOfBoundsException(name + ": " + size + " values at offset " + off + ", array length "
                    + length);
        }
    }

    private static void checkScratch(int bytes, int bytesNeed, int ints, int intsNeed) {
        if (bytes < bytesNeed || ints < intsNeed) {
            throw new IllegalArgumentException("scratch too small: " + bytes + " bytes and " + ints + " ints, need "
                    + bytesNeed + " and " + intsNeed);
        }
    }
}
