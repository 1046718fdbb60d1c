package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dot products against a double-precision sum, tolerance {@code (n + 2) * 2^-23 * sum |a_i b_i|} (the GEMM bound of
 * {@link GemmReference} with k = n), over lengths around every vector and unroll boundary, at non-zero offsets.
 */
class DotDifferentialTest {

    private static final int[] LENGTHS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 13, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 100,
        127, 128, 129, 255, 256, 257, 1000, 1023, 4098};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (FloatKernels kernels : KernelsUnderTest.all()) {
            for (int n : LENGTHS) {
                out.add(Arguments.of(kernels, n));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("cases")
    void matchesTheReference(FloatKernels kernels, int n) {
        Random r = new Random(n);
        int aOff = r.nextInt(7);
        int bOff = r.nextInt(7);
        float[] a = new float[aOff + n + 5];
        float[] b = new float[bOff + n + 5];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat() * 2 - 1;
        }
        double exact = 0;
        double mag = 0;
        for (int i = 0; i < n; i++) {
            double p = (double) a[aOff + i] * b[bOff + i];
            exact += p;
            mag += Math.abs(p);
        }
        float got = kernels.dot(a, aOff, b, bOff, n);
        double tol = (n + 2) * 0x1p-23 * mag + n * (double) Float.MIN_VALUE;
        assertTrue(Math.abs(got - exact) <= tol, kernels.name() + " n=" + n + ": " + got + " vs " + exact);
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("cases")
    void boundaryValuesBehaveLikeIeeeSums(FloatKernels kernels, int n) {
        if (n < 2) {
            return;
        }
        // All products equal Float.MAX_VALUE: any summation order overflows to +Inf.
        float[] max = new float[n];
        float[] one = new float[n];
        java.util.Arrays.fill(max, Float.MAX_VALUE);
        java.util.Arrays.fill(one, 1f);
        assertEquals(Float.POSITIVE_INFINITY, kernels.dot(max, 0, one, 0, n));
        // One NaN anywhere, including the scalar tail, makes the sum NaN; +Inf and -Inf together too.
        float[] x = one.clone();
        x[n - 1] = Float.NaN;
        assertTrue(Float.isNaN(kernels.dot(x, 0, one, 0, n)));
        x = one.clone();
        x[0] = Float.POSITIVE_INFINITY;
        x[n - 1] = Float.NEGATIVE_INFINITY;
        assertTrue(Float.isNaN(kernels.dot(x, 0, one, 0, n)));
        // Smallest subnormals: products underflow to zero in any order.
        float[] tiny = new float[n];
        java.util.Arrays.fill(tiny, Float.MIN_VALUE);
        assertEquals(0f, kernels.dot(tiny, 0, tiny, 0, n));
        // Exactly representable integers: every order gives the exact answer n.
        assertEquals((float) n, kernels.dot(one, 0, one, 0, n));
    }
}
