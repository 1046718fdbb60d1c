package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every implementation against the double-precision triple loop ({@link GemmReference}, tolerance stated there),
 * over awkward sizes that hit each vector tail, row tail, block edge and dispatch path, on submatrix views (offsets,
 * leading dimensions wider than the row) whose surroundings must stay untouched.
 */
class GemmDifferentialTest {

    private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 8, 13, 15, 16, 17, 31, 33, 63, 64, 65, 100, 257};
    /** Marks C's elements outside the view; any change to one is a stray write. */
    private static final float SENTINEL = -7777.25f;

    /** One GEMM call's geometry. */
    record Shape(int m, int n, int k, int aOff, int lda, int bOff, int ldb, int cOff, int ldc, boolean accumulate) {
        @Override
        public String toString() {
            return m + "x" + n + "x" + k + (accumulate ? " acc" : "") + " off " + aOff + "/" + bOff + "/" + cOff
                    + " ld " + lda + "/" + ldb + "/" + ldc;
        }
    }

    static Stream<Arguments> cases() {
        Random r = new Random(20240611L);
        List<Shape> shapes = new ArrayList<>();
        // Each size once in each dimension, with the other two random, then random triples.
        for (int s : SIZES) {
            shapes.add(shape(r, s, pick(r), pick(r)));
            shapes.add(shape(r, pick(r), s, pick(r)));
            shapes.add(shape(r, pick(r), pick(r), s));
        }
        for (int i = 0; i < 40; i++) {
            shapes.add(shape(r, pick(r), pick(r), pick(r)));
        }
        // Beyond the block sizes (K block 256, N blocks 256 / 512), in both Panama B modes (in place < 64 rows).
        shapes.add(shape(r, 70, 600, 300));
        shapes.add(shape(r, 9, 1030, 520));
        shapes.add(shape(r, 3, 1100, 70));
        shapes.add(shape(r, 100, 33, 600));
        List<Arguments> out = new ArrayList<>();
        for (FloatKernels kernels : KernelsUnderTest.all()) {
            for (Shape s : shapes) {
                out.add(Arguments.of(kernels, s));
            }
        }
        return out.stream();
    }

    private static int pick(Random r) {
        return SIZES[r.nextInt(SIZES.length)];
    }

    private static Shape shape(Random r, int m, int n, int k) {
        boolean view = r.nextBoolean();
        int aOff = view ? 1 + r.nextInt(20) : 0;
        int bOff = view ? 1 + r.nextInt(20) : 0;
        int cOff = view ? 1 + r.nextInt(20) : 0;
        int lda = k + (view ? r.nextInt(9) : 0);
        int ldb = n + (view ? r.nextInt(9) : 0);
        int ldc = n + (view ? r.nextInt(9) : 0);
        return new Shape(m, n, k, aOff, lda, bOff, ldb, cOff, ldc, r.nextBoolean());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesTheReference(FloatKernels kernels, Shape s) {
        Random r = new Random(s.toString().hashCode());
        float[] a = random(r, s.aOff + s.m * s.lda + 3, 1f);
        float[] b = random(r, s.bOff + s.k * s.ldb + 3, 1f);
        float[] c = new float[s.cOff + s.m * s.ldc + 3];
        java.util.Arrays.fill(c, SENTINEL);
        for (int i = 0; i < s.m; i++) {
            for (int j = 0; j < s.n; j++) {
                c[s.cOff + i * s.ldc + j] = r.nextFloat() * 2 - 1;
            }
        }
        runAndCheck(kernels, s, a, b, c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#stream")
    void largeAndTinyMagnitudesStayWithinTheBound(FloatKernels kernels) {
        // Products near 1e36 (sums cannot overflow: |sum| <= 257 * 1e36 < Float.MAX_VALUE) and near the subnormal
        // range, where a kernel that rescales or flushes would show.
        for (float scale : new float[] {1e18f, 1e-19f, Float.MIN_NORMAL}) {
            for (int[] mnk : new int[][] {{1, 1000, 257}, {9, 65, 257}, {64, 100, 257}}) {
                Shape s = new Shape(mnk[0], mnk[1], mnk[2], 0, mnk[2], 0, mnk[1], 0, mnk[1], false);
                Random r = new Random(mnk[0]);
                float[] a = random(r, s.m * s.k, scale);
                float[] b = random(r, s.k * s.n, scale == Float.MIN_NORMAL ? 1f : scale);
                runAndCheck(kernels, s, a, b, new float[s.m * s.n]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#stream")
    void nanAndInfinityReachOnlyTheirOwnRowsAndColumns(FloatKernels kernels) {
        // A NaN in row 3 of A and an infinity in column 5 of B; padded rows and zero-padded panels must not spread
        // them. Sizes cover the row path (2), the in-place path (13) and the packed path (70).
        for (int m : new int[] {2, 13, 70}) {
            int n = 37;
            int k = 300;
            Random r = new Random(m);
            float[] a = random(r, m * k, 1f);
            float[] b = random(r, k * n, 1f);
            int nanRow = Math.min(3, m - 1);
            a[nanRow * k + 17] = Float.NaN;
            b[11 * n + 5] = Float.POSITIVE_INFINITY;
            float[] c = new float[m * n];
            kernels.gemm(m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
            double[] want = GemmReference.gemm(m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double w = want[i * n + j];
                    float got = c[i * n + j];
                    if (Double.isNaN(w)) {
                        assertTrue(Float.isNaN(got), "C[" + i + "][" + j + "] should be NaN, was " + got);
                    } else if (Double.isInfinite(w)) {
                        assertEquals((float) w, got, "C[" + i + "][" + j + "]");
                    } else {
                        assertTrue(Float.isFinite(got), "C[" + i + "][" + j + "] should be finite, was " + got);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#stream")
    void emptyInnerDimensionClearsOrKeepsC(FloatKernels kernels) {
        float[] c = {1f, 2f, 3f, 4f, 5f, 6f};
        kernels.gemm(2, 3, 0, new float[0], 0, 0, new float[0], 0, 3, c, 0, 3, true);
        assertEquals(List.of(1f, 2f, 3f, 4f, 5f, 6f), boxed(c));
        kernels.gemm(2, 3, 0, new float[0], 0, 0, new float[0], 0, 3, c, 0, 3, false);
        assertEquals(List.of(0f, 0f, 0f, 0f, 0f, 0f), boxed(c));
    }

    @Test
    void implementationsAreDistinctWhenPanamaIsAvailable() {
        // Guards the differential tests above against comparing one implementation with itself.
        List<FloatKernels> all = KernelsUnderTest.all();
        assertEquals(all.size(), all.stream().map(FloatKernels::name).distinct().count());
    }

    private static void runAndCheck(FloatKernels kernels, Shape s, float[] a, float[] b, float[] c) {
        float[] before = c.clone();
        double[] want = GemmReference.gemm(s.m, s.n, s.k, a, s.aOff, s.lda, b, s.bOff, s.ldb,
                before, s.cOff, s.ldc, s.accumulate);
        kernels.gemm(s.m, s.n, s.k, a, s.aOff, s.lda, b, s.bOff, s.ldb, c, s.cOff, s.ldc, s.accumulate);
        for (int x = 0; x < c.length; x++) {
            int rel = x - s.cOff;
            int i = rel < 0 ? -1 : rel / s.ldc;
            int j = rel < 0 ? -1 : rel % s.ldc;
            boolean inView = rel >= 0 && i < s.m && j < s.n;
            if (!inView) {
                if (Float.floatToRawIntBits(c[x]) != Float.floatToRawIntBits(before[x])) {
                    fail(kernels.name() + " " + s + ": wrote outside the C view at index " + x);
                }
                continue;
            }
            double tol = GemmReference.tolerance(i, j, s.k, a, s.aOff, s.lda, b, s.bOff, s.ldb,
                    before, s.cOff, s.ldc, s.accumulate);
            double err = Math.abs(c[x] - want[i * s.n + j]);
            if (!(err <= tol)) {
                fail(kernels.name() + " " + s + ": C[" + i + "][" + j + "] = " + c[x] + ", want "
                        + want[i * s.n + j] + " (error " + err + " > tolerance " + tol + ")");
            }
        }
    }

    private static float[] random(Random r, int len, float scale) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = (r.nextFloat() * 2 - 1) * scale;
        }
        return x;
    }

    private static List<Float> boxed(float[] x) {
        List<Float> out = new ArrayList<>();
        for (float v : x) {
            out.add(v);
        }
        return out;
    }
}
