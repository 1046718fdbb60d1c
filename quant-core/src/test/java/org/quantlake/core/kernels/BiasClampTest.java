package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code biasClamp} involves no reassociation, so every implementation must match {@code Math.min(Math.max(x +
 * bias, lo), hi)} bit for bit (NaN compared as NaN), including signed zeros, infinities and subnormals, and must
 * leave everything outside the rows untouched.
 */
class BiasClampTest {

    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
        6f, -6f, 5.9999995f, 6.0000005f, 1f, -1f};
    private static final float[][] BOUNDS = {
        {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}, {0f, Float.POSITIVE_INFINITY}, {0f, 6f}, {-1f, 1f},
        {-0f, 0f}, {0f, 0f}};
    private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 8, 13, 15, 16, 17, 31, 33, 64, 65, 100};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (FloatKernels kernels : KernelsUnderTest.all()) {
            for (int b = 0; b < BOUNDS.length; b++) {
                for (boolean withBias : new boolean[] {false, true}) {
                    out.add(Arguments.of(kernels, b, withBias));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} bounds #{1} bias={2}")
    @MethodSource("cases")
    void matchesTheScalarFormulaBitForBit(FloatKernels kernels, int boundsIndex, boolean withBias) {
        float lo = BOUNDS[boundsIndex][0];
        float hi = BOUNDS[boundsIndex][1];
        Random r = new Random(31L * boundsIndex + (withBias ? 1 : 0));
        for (int rows : new int[] {1, 3, 7}) {
            for (int cols : SIZES) {
                int off = r.nextInt(5);
                float[] x = new float[off + rows * cols + 4];
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.nextInt(3) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) (r.nextGaussian() * 8);
                }
                float[] bias = null;
                if (withBias) {
                    bias = new float[rows];
                    for (int i = 0; i < rows; i++) {
                        bias[i] = r.nextBoolean() ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) r.nextGaussian();
                    }
                }
                float[] want = x.clone();
                for (int row = 0; row < rows; row++) {
                    for (int j = 0; j < cols; j++) {
                        int i = off + row * cols + j;
                        float v = bias == null ? want[i] : want[i] + bias[row];
                        want[i] = Math.min(Math.max(v, lo), hi);
                    }
                }
                kernels.biasClamp(x, off, rows, cols, bias, lo, hi);
                for (int i = 0; i < x.length; i++) {
                    if (Float.floatToIntBits(x[i]) != Float.floatToIntBits(want[i])) {
                        fail(kernels.name() + " rows=" + rows + " cols=" + cols + " off=" + off + " [" + lo + ", "
                                + hi + "]: x[" + i + "] = " + x[i] + ", want " + want[i]);
                    }
                }
            }
        }
    }
}
