package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.kernels.Int8Reference.Gemm;

/**
 * Every int8 GEMM implementation must equal the naive loops of {@link Int8Reference} exactly (so all of them equal
 * each other), over awkward sizes that hit each vector tail, row tail, block edge and dispatch path, on submatrix
 * views whose surroundings must stay untouched, and at the extremes of the value ranges.
 */
class Int8GemmDifferentialTest {

    private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 8, 13, 15, 16, 17, 31, 33, 63, 64, 65, 100, 257};
    /** Marks C's elements outside the view; any change to one is a stray write. */
    private static final int SENTINEL = 0x5EA5EA5E;

    /** One GEMM call's geometry. */
    record Shape(int m, int n, int k, int aOff, int lda, int bOff, int ldb, int cOff, int ldc) {
        static Shape dense(int m, int n, int k) {
            return new Shape(m, n, k, 0, k, 0, n, 0, n);
        }

        @Override
        public String toString() {
            return m + "x" + n + "x" + k + " off " + aOff + "/" + bOff + "/" + cOff + " ld " + lda + "/" + ldb + "/"
                    + ldc;
        }
    }

    static Stream<Arguments> cases() {
        Random r = new Random(20250611L);
        List<Shape> shapes = new ArrayList<>();
        // Each size once in each dimension, with the other two random, then random triples.
        for (int s : SIZES) {
            shapes.add(shape(r, s, pick(r), pick(r)));
            shapes.add(shape(r, pick(r), s, pick(r)));
            shapes.add(shape(r, pick(r), pick(r), s));
        }
        for (int i = 0; i < 30; i++) {
            shapes.add(shape(r, pick(r), pick(r), pick(r)));
        }
        // Beyond the block sizes (K 256 / 512, M 96, N 256 / 512), row tails streamed (9, 66) or padded (13, 100), the
        // transposed plain-Java path (n < 256 < m), and conv- and linear-like shapes with k up to 4608.
        shapes.add(shape(r, 9, 1030, 520));
        shapes.add(shape(r, 100, 600, 300));
        shapes.add(shape(r, 300, 33, 600));
        shapes.add(shape(r, 66, 49, 4608));
        shapes.add(shape(r, 13, 1000, 1280));
        shapes.add(shape(r, 3, 1000, 1280));
        shapes.add(shape(r, 1, 16, 4608));
        List<Arguments> out = new ArrayList<>();
        for (Int8Kernels kernels : KernelsUnderTest.allInt8()) {
            for (Gemm gemm : Gemm.values()) {
                for (Shape s : shapes) {
                    out.add(Arguments.of(kernels, gemm, s));
                }
            }
        }
        return out.stream();
    }

    private static int pick(Random r) {
        return SIZES[r.nextInt(SIZES.length)];
    }

    private static Shape shape(Random r, int m, int n, int k) {
        if (!r.nextBoolean()) {
            return Shape.dense(m, n, k);
        }
        return new Shape(m, n, k, 1 + r.nextInt(20), k + r.nextInt(9), 1 + r.nextInt(20), n + r.nextInt(9),
                1 + r.nextInt(20), n + r.nextInt(9));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void equalsTheReference(Int8Kernels kernels, Gemm gemm, Shape s) {
        Random r = new Random(s.toString().hashCode());
        byte[] a = random(r, s.aOff + s.m * s.lda + 3);
        byte[] b = random(r, s.bOff + s.k * s.ldb + 3);
        runAndCheck(kernels, gemm, s, a, b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void extremeProductsSumExactly(Int8Kernels kernels) {
        // 255 * -128 and 255 * 127 over k = 4608: sums of -150,405,120 and 149,230,080, near a quarter of the int32
        // range; a kernel that saturates, accumulates in 16 bits or misreads a sign shows here.
        int k = 4608;
        for (int[] mn : new int[][] {{1, 1000}, {3, 40}, {8, 33}, {13, 49}, {66, 65}}) {
            Shape s = Shape.dense(mn[0], mn[1], k);
            for (byte w : new byte[] {(byte) -128, (byte) 127}) {
                byte[] u8 = filled(s.m * k, (byte) 255);
                byte[] s8 = filled(k * s.n, w);
                int[] c = runAndCheck(kernels, Gemm.U8S8, s, u8, s8);
                assertEquals(k * 255 * w, c[0], "U8S8 C[0][0]");
                c = runAndCheck(kernels, Gemm.S8U8, s, filled(s.m * k, w), filled(k * s.n, (byte) 255));
                assertEquals(k * 255 * w, c[s.m * s.n - 1], "S8U8 C[m-1][n-1]");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void oddProductsNearTheExtremesSumExactly(Int8Kernels kernels) {
        // 255 * -127 is odd, so partial sums need every bit: a kernel summing in float over blocks whose sums can
        // pass 2^24, or in 16 bits, rounds or wraps here (equal products, as above, would hide that: their sums are
        // multiples of 2^7). Rows of B alternate -127 and -128: each column sums to -149,817,600.
        int k = 4608;
        for (int[] mn : new int[][] {{1, 40}, {16, 64}, {67, 33}}) {
            Shape s = Shape.dense(mn[0], mn[1], k);
            byte[] alternating = new byte[k * s.n];
            for (int p = 0; p < k; p++) {
                Arrays.fill(alternating, p * s.n, (p + 1) * s.n, (byte) (p % 2 == 0 ? -127 : -128));
            }
            int[] c = runAndCheck(kernels, Gemm.U8S8, s, filled(s.m * k, (byte) 255), alternating);
            assertEquals(-149_817_600, c[c.length - 1], "U8S8");
            byte[] alternatingA = new byte[s.m * k];
            for (int i = 0; i < alternatingA.length; i++) {
                alternatingA[i] = (byte) (i % 2 == 0 ? -127 : -128);
            }
            c = runAndCheck(kernels, Gemm.S8U8, s, alternatingA, filled(k * s.n, (byte) 255));
            assertEquals(-149_817_600, c[0], "S8U8");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void sumsBeyondInt32WrapLikeTheReference(Int8Kernels kernels) {
        // The contract's int32 sums wrap (two's complement addition is associative, so every summation order wraps
        // to the same bits); k = 70,000 overflows once per column.
        int k = 70_000;
        Shape s = Shape.dense(9, 40, k);
        int[] c = runAndCheck(kernels, Gemm.U8S8, s, filled(s.m * k, (byte) 255), filled(k * s.n, (byte) -128));
        assertEquals((int) (k * 255L * -128), c[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void emptyInnerDimensionClearsC(Int8Kernels kernels) {
        int[] c = {1, 2, 3, 4, 5, 6};
        kernels.gemmS8U8(2, 3, 0, new byte[0], 0, 0, new byte[0], 0, 3, c, 0, 3);
        assertEquals("[0, 0, 0, 0, 0, 0]", Arrays.toString(c));
    }

    @Test
    void implementationsAreDistinctWhenPanamaIsAvailable() {
        // Guards the differential tests above against comparing one implementation with itself.
        List<Int8Kernels> all = KernelsUnderTest.allInt8();
        assertEquals(all.size(), all.stream().map(Int8Kernels::name).distinct().count());
    }

    /** Runs one call on a C full of garbage, checks it against the reference, returns the dense m x n result. */
    private static int[] runAndCheck(Int8Kernels kernels, Gemm gemm, Shape s, byte[] a, byte[] b) {
        int[] c = new int[s.cOff + s.m * s.ldc + 3];
        Arrays.fill(c, SENTINEL);
        for (int i = 0; i < s.m; i++) {
            for (int j = 0; j < s.n; j++) {
                c[s.cOff + i * s.ldc + j] = 12345 * (i + 1) + j; // overwritten by every call
            }
        }
        int[] want = c.clone();
        gemm.reference(s.m, s.n, s.k, a, s.aOff, s.lda, b, s.bOff, s.ldb, want, s.cOff, s.ldc);
        gemm.run(kernels, s.m, s.n, s.k, a, s.aOff, s.lda, b, s.bOff, s.ldb, c, s.cOff, s.ldc);
        for (int x = 0; x < c.length; x++) {
            if (c[x] != want[x]) {
                int rel = x - s.cOff;
                boolean inView = rel >= 0 && rel / s.ldc < s.m && rel % s.ldc < s.n;
                fail(kernels.name() + " " + gemm + " " + s + (inView
                        ? ": C[" + rel / s.ldc + "][" + rel % s.ldc + "] = " + c[x] + ", want " + want[x]
                        : ": wrote outside the C view at index " + x));
            }
        }
        int[] dense = new int[s.m * s.n];
        for (int i = 0; i < s.m; i++) {
            System.arraycopy(c, s.cOff + i * s.ldc, dense, i * s.n, s.n);
        }
        return dense;
    }

    private static byte[] random(Random r, int len) {
        byte[] x = new byte[len];
        r.nextBytes(x);
        return x;
    }

    private static byte[] filled(int len, byte v) {
        byte[] x = new byte[len];
        Arrays.fill(x, v);
        return x;
    }
}
