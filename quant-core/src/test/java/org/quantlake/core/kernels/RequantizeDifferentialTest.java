package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every requantize implementation must equal {@link Int8Reference#requantize} (the scalar rule) byte for byte:
 * per row and per column, on awkward sizes (vector tails) and offset views, with accumulators chosen to land exactly
 * on .5 ties, next to them, beyond 2^24 (inexact int-to-float) and past int32 when the offset is added, under
 * narrow clamps and zero points 0 and 255, and with zero, negative, tiny, huge, infinite and NaN multipliers.
 */
class RequantizeDifferentialTest {

    private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 8, 13, 15, 16, 17, 31, 33, 63, 64, 65, 100, 257};
    private static final byte SENTINEL = (byte) 0xA5;
    /** {zp, lo, hi}: full range, fused Relu at the zero point, narrow, single values, both zero point extremes. */
    private static final int[][] CLAMPS = {
        {0, 0, 255}, {255, 0, 255}, {128, 128, 255}, {37, 30, 200}, {255, 250, 255}, {0, 0, 6}, {7, 7, 7},
        {0, 0, 0}, {255, 255, 255}, {90, 0, 255},
    };
    /** Multipliers whose products land on ties or next to them; plus signs and non-finite values. */
    private static final float[] SPECIAL_MULTS = {
        0.5f, 0.25f, 0x1p-10f, Math.nextUp(0.5f), Math.nextDown(0.5f), Math.nextUp(0x1p-10f), 1f, 3f, -0.5f,
        0f, -0f, Float.MIN_VALUE, 1e30f, Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
    };

    /** One call: sizes, view offsets, clamp, and whether parameters go per row. */
    record Case(boolean perRow, int rows, int cols, int accOff, int yOff, int[] clamp, boolean nonFinite, long seed) {
        @Override
        public String toString() {
            return (perRow ? "rows " : "cols ") + rows + "x" + cols + " off " + accOff + "/" + yOff + " zp/lo/hi "
                    + Arrays.toString(clamp) + (nonFinite ? " non-finite" : "");
        }
    }

    static Stream<Arguments> cases() {
        Random r = new Random(20250612L);
        List<Case> cases = new ArrayList<>();
        for (boolean perRow : new boolean[] {true, false}) {
            for (int s : SIZES) {
                cases.add(random(r, perRow, s, pick(r)));
                cases.add(random(r, perRow, pick(r), s));
            }
            for (int[] clamp : CLAMPS) {
                cases.add(new Case(perRow, 5, 100, 3, 1, clamp, r.nextBoolean(), r.nextLong()));
            }
        }
        List<Arguments> out = new ArrayList<>();
        for (Int8Kernels kernels : KernelsUnderTest.allInt8()) {
            for (Case c : cases) {
                out.add(Arguments.of(kernels, c));
            }
        }
        return out.stream();
    }

    private static int pick(Random r) {
        return SIZES[r.nextInt(SIZES.length)];
    }

    private static Case random(Random r, boolean perRow, int rows, int cols) {
        boolean view = r.nextBoolean();
        return new Case(perRow, rows, cols, view ? 1 + r.nextInt(20) : 0, view ? 1 + r.nextInt(20) : 0,
                CLAMPS[r.nextInt(CLAMPS.length)], r.nextBoolean(), r.nextLong());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void equalsTheScalarRule(Int8Kernels kernels, Case c) {
        Random r = new Random(c.seed);
        int params = c.perRow ? c.rows : c.cols;
        float[] mult = new float[params + 2];
        int[] offset = new int[params + 2];
        for (int q = 0; q < mult.length; q++) {
            mult[q] = r.nextInt(3) == 0 ? SPECIAL_MULTS[r.nextInt(SPECIAL_MULTS.length)]
                    : (float) Math.exp(-12 + 10 * r.nextDouble());
            if (!c.nonFinite && !Float.isFinite(mult[q])) {
                mult[q] = 0.5f; // half the cases keep every multiplier finite, so per-column calls stay vectorised
            }
            offset[q] = switch (r.nextInt(4)) {
                case 0 -> 0;
                case 1 -> Integer.MAX_VALUE - r.nextInt(1000); // acc + offset wraps for positive acc
                default -> r.nextInt(20001) - 10000;
            };
        }
        int[] acc = new int[c.accOff + c.rows * c.cols + 3];
        for (int i = 0; i < c.rows; i++) {
            for (int j = 0; j < c.cols; j++) {
                int q = c.perRow ? i : j;
                acc[c.accOff + i * c.cols + j] = accumulator(r, mult[q]) - offset[q];
            }
        }
        byte[] want = new byte[c.yOff + c.rows * c.cols + 3];
        Arrays.fill(want, SENTINEL);
        byte[] got = want.clone();
        int zp = c.clamp[0], lo = c.clamp[1], hi = c.clamp[2];
        Int8Reference.requantize(c.perRow, acc, c.accOff, c.rows, c.cols, offset, mult, zp, lo, hi, want, c.yOff);
        if (c.perRow) {
            kernels.requantizeRows(acc, c.accOff, c.rows, c.cols, offset, mult, zp, lo, hi, got, c.yOff);
        } else {
            kernels.requantizeCols(acc, c.accOff, c.rows, c.cols, offset, mult, zp, lo, hi, got, c.yOff);
        }
        for (int x = 0; x < got.length; x++) {
            if (got[x] != want[x]) {
                int rel = x - c.yOff;
                fail(kernels.name() + " " + c + ": y[" + rel + "] = " + Byte.toUnsignedInt(got[x]) + ", want "
                        + Byte.toUnsignedInt(want[x]) + (rel >= 0 && rel < c.rows * c.cols
                        ? " (acc " + acc[c.accOff + rel] + ")" : " (outside the view)"));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void everyTieRoundsToEven(Int8Kernels kernels) {
        // acc = 2t + 1 with multiplier 0.5: v = t + 0.5 for every t in [-300, 300), across the clamp on both sides.
        int n = 600;
        int[] acc = new int[n];
        for (int j = 0; j < n; j++) {
            acc[j] = 2 * (j - 300) + 1;
        }
        for (int zp : new int[] {0, 100, 255}) {
            byte[] want = new byte[n];
            byte[] got = new byte[n];
            Int8Reference.requantize(true, acc, 0, 1, n, new int[] {0}, new float[] {0.5f}, zp, 0, 255, want, 0);
            kernels.requantizeRows(acc, 0, 1, n, new int[] {0}, new float[] {0.5f}, zp, 0, 255, got, 0);
            assertArrayEquals(want, got, kernels.name() + " zp " + zp);
        }
    }

    /** An accumulator (after the offset) whose product with {@code mult} is often a tie or just beside one. */
    private static int accumulator(Random r, float mult) {
        int e = Math.getExponent(mult);
        boolean powerOfTwo = Float.isFinite(mult) && mult != 0f && Math.abs(mult) == Math.scalb(1f, e);
        switch (r.nextInt(5)) {
            case 0:
                if (powerOfTwo && e < 0 && e >= -20) {
                    // (2t + 1) 2^(-e-1) times 2^e is t + 0.5 exactly (below 2^29, so the int converts exactly)
                    int t = r.nextInt(601) - 300;
                    return (2 * t + 1) << (-e - 1);
                }
                return r.nextInt(2001) - 1000;
            case 1:
                return r.nextInt(2001) - 1000;
            case 2:
                return (1 << 24) + r.nextInt(1 << 20); // beyond 2^24: (float) rounds
            case 3:
                return r.nextInt(); // anywhere, including near both ends
            default:
                return r.nextInt(1 << 16) - (1 << 15);
        }
    }
}
