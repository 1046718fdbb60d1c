package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The row primitives ({@code axpy}, {@code maxInto}) and the tap-by-tap window planes built on them (depthwise conv,
 * max pool), for every kernel implementation, against naive per-window loops over awkward geometry: strides 1-3
 * (the stride-phase split), asymmetric pads, dilations, windows past the bottom/right padding (ceil_mode), rows
 * shorter than a vector.
 */
class WindowPlaneTest {

    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, 1f, -1f};

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#stream")
    void maxIntoIsMathMaxBitForBit(FloatKernels k) {
        Random r = new Random(5);
        for (int n : new int[] {0, 1, 3, 7, 8, 15, 16, 17, 33, 64, 100}) {
            int xOff = r.nextInt(4);
            int yOff = r.nextInt(4);
            float[] x = values(r, xOff + n + 3);
            float[] y = values(r, yOff + n + 3);
            float[] want = y.clone();
            for (int i = 0; i < n; i++) want[yOff + i] = Math.max(want[yOff + i], x[xOff + i]);
            k.maxInto(n, x, xOff, y, yOff);
            assertBits(k + " maxInto n=" + n, want, y);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#stream")
    void axpyIsOneRoundedMultiplyAdd(FloatKernels k) {
        Random r = new Random(6);
        for (int n : new int[] {0, 1, 3, 7, 8, 15, 16, 17, 33, 64, 100}) {
            int xOff = r.nextInt(4);
            int yOff = r.nextInt(4);
            float a = (float) r.nextGaussian();
            float[] x = gaussian(r, xOff + n + 3);
            float[] y = gaussian(r, yOff + n + 3);
            float[] before = y.clone();
            k.axpy(n, a, x, xOff, y, yOff);
            for (int i = 0; i < y.length; i++) {
                boolean inside = i >= yOff && i < yOff + n;
                if (!inside) {
                    if (y[i] != before[i]) fail(k + " axpy wrote outside its row at " + i);
                    continue;
                }
                double exact = (double) a * x[xOff + i - yOff] + before[i];
                // fused (one rounding) or multiply then add (two roundings): within 2 ulp of the product and sum
                double tol = 2 * (Math.ulp((float) exact) + Math.ulp(a * x[xOff + i - yOff]));
                if (Math.abs(y[i] - exact) > tol) fail(k + " axpy n=" + n + " at " + i + ": " + y[i] + " vs " + exact);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void maxU8IsUnsignedMax(Int8Kernels k) {
        Random r = new Random(8);
        for (int n : new int[] {0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 200}) {
            int xOff = r.nextInt(4);
            int yOff = r.nextInt(4);
            byte[] x = new byte[xOff + n + 3];
            byte[] y = new byte[yOff + n + 3];
            r.nextBytes(x);
            r.nextBytes(y);
            byte[] want = y.clone();
            for (int i = 0; i < n; i++) want[yOff + i] = (byte) Math.max(want[yOff + i] & 0xFF, x[xOff + i] & 0xFF);
            k.maxU8(n, x, xOff, y, yOff);
            if (!java.util.Arrays.equals(want, y)) fail(k + " maxU8 n=" + n);
        }
        byte[] b = new byte[5];
        assertThrows(IndexOutOfBoundsException.class, () -> k.maxU8(5, b, 1, b, 0));
        assertThrows(IllegalArgumentException.class, () -> k.maxU8(-1, b, 0, b, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#stream")
    void rowPrimitivesRejectOutOfRangeViews(FloatKernels k) {
        float[] x = new float[5];
        assertThrows(IndexOutOfBoundsException.class, () -> k.maxInto(5, x, 1, x, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> k.axpy(2, 1f, x, 0, x, 4));
        assertThrows(IllegalArgumentException.class, () -> k.axpy(-1, 1f, x, 0, x, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#stream")
    void windowPlanesMatchNaiveLoops(FloatKernels k) {
        Random r = new Random(7);
        int cases = 0;
        for (int kh = 1; kh <= 3; kh++) {
            for (int kw = 1; kw <= 3; kw += 2) {
                for (int s = 1; s <= 3; s++) {
                    for (int d = 1; d <= 2; d++) {
                        for (int trial = 0; trial < 3; trial++) {
                            int inH = 1 + r.nextInt(9);
                            int inW = 1 + r.nextInt(37);
                            int sh = 1 + r.nextInt(3);
                            int pt = r.nextInt(kh), pl = r.nextInt(kw), pb = r.nextInt(kh), pr = r.nextInt(kw);
                            int outH = (inH + pt + pb - ((kh - 1) * d + 1)) / sh + 1;
                            int outW = (inW + pl + pr - ((kw - 1) * d + 1)) / s + 1;
                            if (outH < 1 || outW < 1) continue;
                            // ceil_mode: one more window when it still starts inside the input or left padding
                            if (r.nextInt(3) == 0 && outH * sh < inH + pt) outH++;
                            if (r.nextInt(3) == 0 && outW * s < inW + pl) outW++;
                            checkPlanes(k, inH, inW, kh, kw, sh, s, d, d, pt, pl, outH, outW, r);
                            cases++;
                        }
                    }
                }
            }
        }
        if (cases < 50) fail("only " + cases + " geometries were valid");
    }

    private static void checkPlanes(FloatKernels k, int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw,
                                    int pt, int pl, int outH, int outW, Random r) {
        int xOff = r.nextInt(3);
        float[] x = gaussian(r, xOff + inH * inW + 2);
        if (r.nextInt(4) == 0) x[xOff + r.nextInt(inH * inW)] = Float.NaN;
        float[] w = gaussian(r, kh * kw);
        float bias = (float) r.nextGaussian();
        DepthwiseConv dwc = new DepthwiseConv(inH, inW, kh, kw, sh, sw, dh, dw, pt, pl, outH, outW);
        MaxPoolPlane mp = new MaxPoolPlane(inH, inW, kh, kw, sh, sw, dh, dw, pt, pl, outH, outW);
        float[] scratch = new float[Math.max(dwc.scratchSize(), mp.scratchSize())];
        java.util.Arrays.fill(scratch, Float.NaN);  // stale scratch from another layer must not leak into results
        float[] conv = new float[outH * outW + 1];
        float[] pool = new float[outH * outW + 1];
        dwc.plane(k, x, xOff, w, 0, bias, conv, 1, scratch);
        mp.plane(k, x, xOff, pool, 1, scratch);
        Int8MaxPoolPlane mp8 = new Int8MaxPoolPlane(inH, inW, kh, kw, sh, sw, dh, dw, pt, pl, outH, outW);
        byte[] x8 = new byte[xOff + inH * inW];
        r.nextBytes(x8);
        byte[] pool8 = null;
        for (Int8Kernels k8 : KernelsUnderTest.allInt8()) {  // every int8 implementation gives the same bytes
            byte[] scratch8 = new byte[mp8.scratchSize()];
            java.util.Arrays.fill(scratch8, (byte) 0xFF);  // stale scratch must not leak into results
            byte[] got = new byte[outH * outW + 1];
            mp8.planes(k8, x8, xOff, 1, got, 1, scratch8);
            if (pool8 != null && !java.util.Arrays.equals(pool8, got)) fail(k8 + " int8 max pool differs from java's");
            pool8 = got;
        }
        String where = k + " in " + inH + "x" + inW + " k " + kh + "x" + kw + " s " + sh + "," + sw + " d " + dh
                + " pad " + pt + "," + pl + " out " + outH + "x" + outW;
        for (int oh = 0; oh < outH; oh++) {
            for (int ow = 0; ow < outW; ow++) {
                double sum = bias;
                double abs = Math.abs(bias);
                float max = Float.NEGATIVE_INFINITY;
                int max8 = 0;  // uint8: a window entirely in the padding gives 0
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        int ih = oh * sh - pt + i * dh;
                        int iw = ow * sw - pl + j * dw;
                        if (ih < 0 || ih >= inH || iw < 0 || iw >= inW) continue;
                        float v = x[xOff + ih * inW + iw];
                        sum += (double) w[i * kw + j] * v;
                        abs += Math.abs((double) w[i * kw + j] * v);
                        max = Math.max(max, v);
                        max8 = Math.max(max8, x8[xOff + ih * inW + iw] & 0xFF);
                    }
                }
                int o = 1 + oh * outW + ow;
                if (Float.floatToIntBits(pool[o]) != Float.floatToIntBits(max)) {
                    fail(where + ": pool[" + oh + "][" + ow + "] = " + pool[o] + ", want " + max);
                }
                if ((pool8[o] & 0xFF) != max8) fail(where + ": uint8 pool[" + oh + "][" + ow + "] = " + (pool8[o] & 0xFF) + ", want " + max8);
                boolean bothNaN = Double.isNaN(sum) && Float.isNaN(conv[o]);
                if (!bothNaN && !(Math.abs(conv[o] - sum) <= 1e-5 * abs + 1e-6)) {
                    fail(where + ": conv[" + oh + "][" + ow + "] = " + conv[o] + ", want " + sum);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void int8MaxPoolOfManyPlanesEqualsPlaneByPlane() {
        Random r = new Random(12);
        int[][] geometries = {  // inH, inW, kh, kw, sh, sw, dh, dw, pt, pl, outH, outW
            {111, 111, 3, 3, 2, 2, 1, 1, 0, 0, 55, 55}, {27, 27, 3, 3, 2, 2, 1, 1, 0, 0, 14, 14},  // SqueezeNet, ceil_mode
            {112, 112, 3, 3, 2, 2, 1, 1, 1, 1, 56, 56}, {7, 9, 2, 2, 2, 2, 1, 1, 0, 0, 4, 5}, {5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 5, 6},
            {9, 10, 3, 2, 1, 3, 2, 1, 2, 1, 9, 4}};
        for (int[] g : geometries) {
            Int8MaxPoolPlane pool = new Int8MaxPoolPlane(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11]);
            int planes = 5, in = g[0] * g[1], out = g[10] * g[11];
            byte[] x = new byte[3 + planes * in];
            r.nextBytes(x);
            byte[] want = new byte[2 + planes * out];
            byte[] scratch = new byte[pool.scratchSize()];
            for (int p = 0; p < planes; p++) pool.plane(KernelProvider.javaInt8Kernels(), x, 3 + p * in, want, 2 + p * out, scratch);
            for (Int8Kernels k8 : KernelsUnderTest.allInt8()) {
                byte[] got = new byte[want.length];
                byte[] s8 = new byte[pool.scratchSize()];
                java.util.Arrays.fill(s8, (byte) 0xFF);  // stale scratch
                pool.planes(k8, x, 3, planes, got, 2, s8);
                if (!java.util.Arrays.equals(want, got)) fail(k8 + " pool " + java.util.Arrays.toString(g) + " differs at "
                        + java.util.Arrays.mismatch(want, got));
                assertThrows(IndexOutOfBoundsException.class, () -> pool.planes(k8, x, 4, planes, got, 2, s8));
                assertThrows(IllegalArgumentException.class, () -> pool.planes(k8, x, 3, planes, got, 2, new byte[1]));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#stream")
    void floatMaxPoolOfManyPlanesEqualsPlaneByPlane(FloatKernels k) {
        Random r = new Random(13);
        int[][] geometries = {  // inH, inW, kh, kw, sh, sw, dh, dw, pt, pl, outH, outW
            {111, 111, 3, 3, 2, 2, 1, 1, 0, 0, 55, 55}, {27, 27, 3, 3, 2, 2, 1, 1, 0, 0, 14, 14},  // SqueezeNet, ceil_mode
            {112, 112, 3, 3, 2, 2, 1, 1, 1, 1, 56, 56}, {7, 9, 2, 2, 2, 2, 1, 1, 0, 0, 4, 5}, {5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 5, 6},
            {9, 10, 3, 2, 1, 3, 2, 1, 2, 1, 9, 4}, {3, 40, 1, 3, 1, 1, 1, 1, 0, 1, 3, 40}, {2, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 2}};
        for (int[] g : geometries) {
            MaxPoolPlane pool = new MaxPoolPlane(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11]);
            int planes = 4, in = g[0] * g[1], out = g[10] * g[11];
            float[] x = values(r, 3 + planes * in);  // gaussian with NaN, +-0.0, +-Inf mixed in
            float[] want = new float[2 + planes * out];
            float[] scratch = new float[pool.scratchSize()];
            for (int p = 0; p < planes; p++) pool.plane(KernelProvider.javaKernels(), x, 3 + p * in, want, 2 + p * out, scratch);
            float[] got = new float[want.length];
            float[] s = new float[pool.scratchSize()];
            java.util.Arrays.fill(s, Float.NaN);  // stale scratch
            pool.planes(k, x, 3, planes, got, 2, s);
            assertBits(k + " pool " + java.util.Arrays.toString(g), want, got);
            assertThrows(IndexOutOfBoundsException.class, () -> pool.planes(k, x, 4, planes, got, 2, s));
            assertThrows(IllegalArgumentException.class, () -> pool.planes(k, x, 3, planes, got, 2, new float[1]));
        }
    }

    private static float[] values(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(3) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) r.nextGaussian();
        return v;
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    private static void assertBits(String what, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                fail(what + ": [" + i + "] = " + got[i] + ", want " + want[i]);
            }
        }
    }
}
