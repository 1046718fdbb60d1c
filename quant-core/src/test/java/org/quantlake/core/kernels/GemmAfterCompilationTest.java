package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential tests run each shape once, mostly before C2 compiles the kernels. GEMM has no reductions that
 * change order between interpreter and compiled code, so repeating a call until the JIT has compiled it must give
 * bit-identical results: a miscompiled vector path shows as a change.
 */
class GemmAfterCompilationTest {

    private static final int REPEATS = 400;

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#stream")
    void repeatedCallsGiveBitIdenticalResults(FloatKernels kernels) {
        // Row path (2 rows), B read in place (13 rows), B packed (69 rows, with a 5-row padded tile).
        for (int m : new int[] {2, 13, 69}) {
            int n = 37;
            int k = 300;
            Random r = new Random(m);
            float[] a = new float[m * k];
            float[] b = new float[k * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextFloat() - 0.5f;
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextFloat() - 0.5f;
            }
            float[] first = new float[m * n];
            kernels.gemm(m, n, k, a, 0, k, b, 0, n, first, 0, n, false);
            float[] c = new float[m * n];
            for (int rep = 0; rep < REPEATS; rep++) {
                kernels.gemm(m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
            }
            assertArrayEquals(first, c, kernels.name() + " m=" + m);
        }
    }
}
