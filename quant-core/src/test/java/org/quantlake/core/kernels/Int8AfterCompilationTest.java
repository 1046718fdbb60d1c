package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.kernels.Int8Reference.Gemm;

/**
 * The differential tests run each case once, mostly before C2 compiles the kernels, and the Vector API's
 * interpreted fallback is plain Java. Here each kernel runs until C2 has compiled its intrinsics (vector float
 * max/min, conversions, byte widening and narrowing, whose rounding and saturation are the compiler's), and must
 * still equal the reference exactly.
 */
class Int8AfterCompilationTest {

    private static final int REPEATS = 400;

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void compiledGemmsStillEqualTheReference(Int8Kernels kernels) {
        // Row path (2 rows), blocked with a streamed tail (9), blocked with a padded 5-row tile (69).
        for (int m : new int[] {2, 9, 69}) {
            int n = 37;
            int k = 300;
            Random r = new Random(m);
            byte[] a = new byte[m * k];
            byte[] b = new byte[k * n];
            r.nextBytes(a);
            r.nextBytes(b);
            for (Gemm gemm : Gemm.values()) {
                int[] want = new int[m * n];
                gemm.reference(m, n, k, a, 0, k, b, 0, n, want, 0, n);
                int[] c = new int[m * n];
                for (int rep = 0; rep < REPEATS; rep++) {
                    gemm.run(kernels, m, n, k, a, 0, k, b, 0, n, c, 0, n);
                }
                assertArrayEquals(want, c, kernels.name() + " " + gemm + " m=" + m);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void compiledRequantizeStillEqualsTheReference(Int8Kernels kernels) {
        int rows = 6;
        int cols = 83;
        Random r = new Random(5);
        int[] acc = new int[rows * cols];
        for (int i = 0; i < acc.length; i++) {
            acc[i] = switch (i % 4) {
                case 0 -> 2 * (r.nextInt(601) - 300) + 1; // a tie under the multiplier 0.5
                case 1 -> r.nextInt();
                default -> r.nextInt(4001) - 2000;
            };
        }
        // One multiplier per row and per column: ties, ordinary, negative, zero. All finite, so the vector path
        // runs (non-finite multipliers take the scalar rule; the last case covers them).
        float[] pool = {0.5f, 0.0123f, -0.5f, 0f, 3f, 1e-7f};
        float[] mult = new float[cols];
        int[] offset = new int[cols];
        for (int q = 0; q < cols; q++) {
            mult[q] = pool[q % pool.length];
            offset[q] = q % 3 == 0 ? 0 : r.nextInt(201) - 100;
        }
        float[] withNaN = mult.clone();
        withNaN[1] = Float.NaN;
        withNaN[4] = Float.POSITIVE_INFINITY;
        for (float[] mu : new float[][] {mult, withNaN}) {
            for (boolean perRow : new boolean[] {true, false}) {
                for (int[] clamp : new int[][] {{0, 0, 255}, {255, 0, 255}, {37, 30, 200}}) {
                    int zp = clamp[0], lo = clamp[1], hi = clamp[2];
                    byte[] want = new byte[rows * cols];
                    Int8Reference.requantize(perRow, acc, 0, rows, cols, offset, mu, zp, lo, hi, want, 0);
                    byte[] y = new byte[rows * cols];
                    for (int rep = 0; rep < REPEATS * 10; rep++) {
                        if (perRow) {
                            kernels.requantizeRows(acc, 0, rows, cols, offset, mu, zp, lo, hi, y, 0);
                        } else {
                            kernels.requantizeCols(acc, 0, rows, cols, offset, mu, zp, lo, hi, y, 0);
                        }
                    }
                    assertArrayEquals(want, y, kernels.name() + (perRow ? " rows" : " cols") + " zp " + zp
                            + (mu == mult ? "" : " with NaN"));
                }
            }
        }
    }
}
