package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.quant.Requantizer;

/**
 * Every implementation's prepared Gemm layer ({@link Int8Kernels#prepareLinear}) must equal the naive definition
 * (bias + sum (a - aZp) * w, then the rule per column) byte for byte: batch sizes around the tile heights (1..7, 13,
 * 32, 33), depths around 4 and 64, widths around 32 and 64, extreme zero points, non-finite multipliers, views.
 */
class Int8LinearDifferentialTest {

    private static final byte SENTINEL = (byte) 0xC3;

    record Shape(int m, int k, int n, int aZp, int yZp, int lo, int hi, boolean nonFinite) {
        @Override
        public String toString() {
            return m + "x" + k + "x" + n + " azp " + aZp + " yzp " + yZp + " [" + lo + ", " + hi + "]"
                    + (nonFinite ? " non-finite" : "");
        }
    }

    static Stream<Arguments> cases() {
        int[] ms = {1, 2, 3, 4, 5, 6, 7, 13, 32, 33};
        int[] ks = {1, 3, 4, 5, 63, 64, 65, 1280};
        int[] ns = {1, 7, 31, 32, 33, 63, 64, 65, 100, 1000};
        int[][] zps = {{128, 0, 0, 255}, {0, 255, 0, 255}, {255, 17, 17, 255}, {3, 100, 90, 110}};
        Random r = new Random(7);
        List<Shape> shapes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int[] z = zps[i % zps.length];
            shapes.add(new Shape(ms[r.nextInt(ms.length)], ks[r.nextInt(ks.length)], ns[r.nextInt(ns.length)], z[0],
                    z[1], z[2], z[3], i % 9 == 4));
        }
        shapes.add(new Shape(32, 1280, 1000, 120, 0, 0, 255, false)); // the networks' classifier at batch 32
        shapes.add(new Shape(1, 1280, 1000, 120, 0, 0, 255, false));
        List<Arguments> out = new ArrayList<>();
        for (Int8Kernels k : KernelsUnderTest.allInt8()) {
            for (Shape s : shapes) {
                out.add(Arguments.of(k, s));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void equalsTheDefinition(Int8Kernels kernels, Shape s) {
        Random r = new Random(s.toString().hashCode());
        Int8LinearSpec spec = new Int8LinearSpec(s.k, s.n, s.aZp, s.yZp, s.lo, s.hi);
        byte[] w = new byte[s.k * s.n];
        r.nextBytes(w);
        int[] bias = new int[s.n];
        float[] mult = new float[s.n];
        for (int j = 0; j < s.n; j++) {
            bias[j] = r.nextInt(20001) - 10000;
            mult[j] = j % 5 == 2 ? 0.5f : (float) (Math.exp(r.nextGaussian()) / (300.0 * Math.sqrt(s.k)));
        }
        if (s.nonFinite) {
            mult[s.n / 2] = Float.NaN;
            mult[0] = Float.NEGATIVE_INFINITY;
        }
        int aOff = 3, yOff = 9;
        byte[] a = new byte[aOff + s.m * s.k + 2];
        r.nextBytes(a);
        byte[] want = new byte[yOff + s.m * s.n + 4];
        Arrays.fill(want, SENTINEL);
        for (int i = 0; i < s.m; i++) {
            for (int j = 0; j < s.n; j++) {
                int acc = bias[j];
                for (int p = 0; p < s.k; p++) {
                    acc += ((a[aOff + i * s.k + p] & 0xFF) - s.aZp) * w[p * s.n + j];
                }
                want[yOff + i * s.n + j] = (byte) Requantizer.requantize(acc, mult[j], s.yZp, s.lo, s.hi);
            }
        }
        Int8Linear linear = kernels.prepareLinear(spec, w, bias, mult);
        byte[] sb = new byte[linear.scratchBytes(s.m)];
        int[] si = new int[linear.scratchInts(s.m)];
        byte[] got = new byte[want.length];
        Arrays.fill(got, SENTINEL);
        linear.run(s.m, a, aOff, got, yOff, sb, si);
        for (int x = 0; x < want.length; x++) {
            if (want[x] != got[x]) {
                int rel = x - yOff;
                fail(kernels.name() + " " + s + ": byte " + x + (rel >= 0 && rel < s.m * s.n
                        ? " (row " + rel / s.n + ", column " + rel % s.n + ")" : " (outside the output)") + " = "
                        + Byte.toUnsignedInt(got[x]) + ", want " + Byte.toUnsignedInt(want[x]));
            }
        }
    }
}
