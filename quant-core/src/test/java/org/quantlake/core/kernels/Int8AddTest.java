package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code addU8} (the int8 Add of a QDQ unit) in every implementation against the scalar definition written out here,
 * byte for byte: random and exactly-tied values (v landing on k + 0.5, where the rounding rule shows), clamps, lengths
 * around the vector width, and non-finite or zero scales (the NaN rule).
 */
class Int8AddTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void matchesTheDefinition(Int8Kernels k) {
        Random r = new Random(9);
        float[][] scales = {
            {0.05f, 0.07f, 0.09f}, {0.1f, 0.1f, 0.2f},  // 0.1 / 0.2 puts many sums exactly on .5: ties
            {0.5f, 0.25f, 1f}, {1e-3f, 3e-3f, 1e-6f},  // saturating
            {Float.NaN, 0.1f, 0.1f}, {0.1f, Float.POSITIVE_INFINITY, 0.1f}, {0.1f, 0.1f, 0f}, {0.1f, 0.1f, -0.3f}};
        int[][] bounds = {{0, 255}, {40, 255}, {0, 200}, {128, 128}};
        for (float[] s : scales) {
            for (int[] bd : bounds) {
                for (int n : new int[] {0, 1, 7, 15, 16, 17, 63, 64, 65, 257}) {
                    int aZp = r.nextInt(256), bZp = r.nextInt(256), yZp = r.nextInt(256);
                    int aOff = r.nextInt(3), bOff = r.nextInt(3), yOff = r.nextInt(3);
                    byte[] a = new byte[aOff + n + 2];
                    byte[] b = new byte[bOff + n + 2];
                    r.nextBytes(a);
                    r.nextBytes(b);
                    byte[] y = new byte[yOff + n + 2];
                    r.nextBytes(y);
                    byte[] want = y.clone();
                    float lo = bd[0] - yZp, hi = bd[1] - yZp;
                    for (int i = 0; i < n; i++) {
                        float v = (((a[aOff + i] & 0xFF) - aZp) * s[0] + ((b[bOff + i] & 0xFF) - bZp) * s[1]) / s[2];
                        v = Math.min(Math.max(v, lo), hi);
                        want[yOff + i] = (byte) ((int) Math.rint(v) + yZp);
                    }
                    k.addU8(n, a, aOff, s[0], aZp, b, bOff, s[1], bZp, s[2], yZp, bd[0], bd[1], y, yOff);
                    if (!Arrays.equals(want, y)) {
                        fail(k + " n=" + n + " scales " + Arrays.toString(s) + " bounds " + Arrays.toString(bd)
                                + ": first difference at " + Arrays.mismatch(want, y));
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void rejectsBadCalls(Int8Kernels k) {
        byte[] x = new byte[4];
        assertThrows(IndexOutOfBoundsException.class, () -> k.addU8(4, x, 1, 1f, 0, x, 0, 1f, 0, 1f, 0, 0, 255, x, 0));
        assertThrows(IllegalArgumentException.class, () -> k.addU8(2, x, 0, 1f, 256, x, 0, 1f, 0, 1f, 0, 0, 255, x, 0));
        assertThrows(IllegalArgumentException.class, () -> k.addU8(2, x, 0, 1f, 0, x, 0, 1f, 0, 1f, 0, 9, 8, x, 0));
    }
}
