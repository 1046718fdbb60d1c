package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.kernels.Int8ConvDifferentialTest.Layer;

/**
 * Every implementation's prepared float convolution ({@link FloatKernels#prepareConv}: plain Java, Vector API, and
 * the native kernels at every level this CPU runs) against a double-precision loop over the definition, on the
 * awkward layers of {@link Int8ConvDifferentialTest} plus some that reach the native kernels' other paths (large
 * planes read in place, strided and grouped; depths in the thousands; chunks and tiles crossing images), with and
 * without bias, and with the fused clamp off, Relu-like and Clip-like.
 *
 * <p>Error bound: float32 sums of k + 1 terms in any order (with or without fused multiply-adds) are within
 * {@code (k + 2) * 2^-24 * (|bias| + sum |w * x|)} of the exact sum (the classic gamma_n bound, one rounding per
 * term plus the bias); the clamp does not add error. Also: an image gives identical bits wherever it sits in any
 * batch, concurrent calls with separate scratch give the single-thread bits, and bad arguments are refused in Java.
 */
class FloatConvDifferentialTest {

    private static final float SENTINEL = -12345.5f;

    static List<Layer> layers() {
        List<Layer> out = new ArrayList<>(Int8ConvDifferentialTest.layers());
        out.add(new Layer("3x3 grouped 2 on 30x30 (in place)", 6, 30, 30, 10, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2));
        out.add(new Layer("7x7 s2 p3 3->8 on 40x40 (in place, stride phases)", 3, 40, 40, 8, 1, 7, 7, 2, 2, 1, 1, 3, 3,
                3, 3, 2));
        out.add(new Layer("3x3 s2 64->20 on 56x56", 64, 56, 56, 20, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1));
        out.add(new Layer("3x3 dilation 2 on 30x30", 5, 30, 30, 7, 1, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 2));
        out.add(new Layer("pointwise 130->9 on 30x31 (tail tile packed)", 130, 30, 31, 9, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0,
                0, 1));
        out.add(new Layer("pointwise 6->8 group 2", 6, 15, 15, 8, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 3));
        out.add(new Layer("3x3 300->9 5x5 x5 (k=2700, packed across images)", 300, 5, 5, 9, 1, 3, 3, 1, 1, 1, 1, 1, 1,
                1, 1, 5));
        out.add(new Layer("3x3 strides 3x2 dilation 2x1 on 31x29", 5, 31, 29, 6, 1, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 2));
        out.add(new Layer("depthwise 3x3 s2 16ch 56x56 x4", 16, 56, 56, 16, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 4));
        out.add(new Layer("depthwise 3x3 s1 130x50 pads 0,2", 3, 50, 50, 3, 3, 3, 3, 1, 1, 1, 1, 0, 2, 0, 2, 1));
        out.add(new Layer("depthwise 7x7 s2 dilation 2", 5, 31, 29, 5, 5, 7, 7, 2, 2, 2, 2, 3, 3, 3, 3, 2));
        out.add(new Layer("depthwise 9x9 (more taps than the vector path keeps)", 2, 12, 12, 2, 2, 9, 9, 1, 1, 1, 1, 4,
                4, 4, 4, 1));
        // The channel-blocked depthwise kernel (AVX-512): channel tails, row pairs on planes up to 8 wide (odd row
        // counts, exactly 8), blocks of 16 with tails, strips of rows on wide planes, padding that hides input columns.
        out.add(new Layer("depthwise 3x3 17ch 7x7 x2 (row pairs, a channel tail)", 17, 7, 7, 17, 17, 3, 3, 1, 1, 1, 1,
                1, 1, 1, 1, 2));
        out.add(new Layer("depthwise 3x3 s2 40ch 14x14 (row pairs at stride 2)", 40, 14, 14, 40, 40, 3, 3, 2, 2, 1, 1,
                1, 1, 1, 1, 1));
        out.add(new Layer("depthwise 3x3 33ch 8x8 and 9 wide", 33, 8, 9, 33, 33, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1));
        out.add(new Layer("depthwise 5x5 20ch 40x37 (16 + 16 + 8 and 5 pixels)", 20, 40, 37, 20, 20, 5, 5, 1, 1, 1, 1,
                2, 2, 2, 2, 1));
        out.add(new Layer("depthwise 3x3 16ch 120x120 (strips of rows)", 16, 120, 120, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1,
                1, 1, 1));
        out.add(new Layer("depthwise 3x3 s2 18ch 23x29 pads 0,2 / 2,0", 18, 23, 29, 18, 18, 3, 3, 2, 2, 1, 1, 0, 2, 2,
                0, 2));
        out.add(new Layer("depthwise 3x3 s3 dilation 3 20ch 20x20", 20, 20, 20, 20, 20, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
                1));
        out.add(new Layer("depthwise 7x7 pads 5 16ch 5x5 (all taps near padding)", 16, 5, 5, 16, 16, 7, 7, 1, 1, 1, 1,
                5, 5, 5, 5, 1));
        out.add(new Layer("depthwise 1x1 s2 16ch 10x10 (the last input column unread)", 16, 10, 10, 16, 16, 1, 1, 2, 2,
                1, 1, 0, 0, 0, 0, 1));
        out.add(new Layer("depthwise 3x3 s2 dilation 2 12ch 17x33 x3", 12, 17, 33, 12, 12, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2,
                3));
        // The pixel-major pointwise path (AVX-512): planes up to 8 x 8 at any depth, up to 16 x 16 from k = 256; tiles
        // of 4-8 pixels, output-channel panels with tails, several images.
        out.add(new Layer("pointwise 37->50 on 7x7 x3 (pixel-major, 7-pixel tiles, a 2-channel panel tail)", 37, 7, 7,
                50, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 3));
        out.add(new Layer("pointwise 3->5 on 1x1 (pixel-major, one pixel)", 3, 1, 1, 5, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0,
                2));
        out.add(new Layer("pointwise 260->100 on 13x13 (pixel-major, deep)", 260, 13, 13, 100, 1, 1, 1, 1, 1, 1, 1, 0,
                0, 0, 0, 1));
        out.add(new Layer("pointwise 300->17 on 16x15 x2 (pixel-major, 8-pixel tiles)", 300, 16, 15, 17, 1, 1, 1, 1, 1,
                1, 1, 0, 0, 0, 0, 2));
        out.add(new Layer("pointwise 64->96 on 8x7 (pixel-major, k short)", 64, 8, 7, 96, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0,
                0, 1));
        // Pixel-major with a kernel window (planes up to 256 pixels): tiles along each output row read the stride
        // phases; deep layers split k into blocks whose partial sums resume.
        out.add(new Layer("3x3 100->70 on 13x13 x2 (pixel-major rows of 7 + 6, k = 900 in blocks)", 100, 13, 13, 70, 1,
                3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2));
        out.add(new Layer("3x3 s2 90->20 14x14 -> 7x7 (pixel-major, stride phases, k = 810 in blocks)", 90, 14, 14, 20,
                1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1));
        out.add(new Layer("1x1 s2 40->50 on 16x16 (pixel-major, not pointwise)", 40, 16, 16, 50, 1, 1, 1, 2, 2, 1, 1, 0,
                0, 0, 0, 2));
        out.add(new Layer("3x2 dilation 2x1 pads 2,0 / 1,1 on 9x20 (pixel-major, 19-wide rows)", 6, 9, 20, 9, 1, 3, 2,
                1, 1, 2, 1, 2, 0, 1, 1, 1));
        return out;
    }

    /** The fused activation of a case. */
    record Clamp(String name, float lo, float hi) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Clamp> CLAMPS = List.of(new Clamp("no clamp", Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY),
            new Clamp("relu", 0f, Float.POSITIVE_INFINITY), new Clamp("clip [-0.3, 0.4]", -0.3f, 0.4f));

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        List<Layer> layers = layers();
        for (FloatKernels k : KernelsUnderTest.allWithNative()) {
            for (int i = 0; i < layers.size(); i++) {
                out.add(Arguments.of(k, layers.get(i), CLAMPS.get(i % 3), i % 4 != 1));
                out.add(Arguments.of(k, layers.get(i), CLAMPS.get((i + 1) % 3), i % 4 == 1));
            }
        }
        return out.stream();
    }

    static FloatConvSpec spec(Layer l, Clamp c) {
        return new FloatConvSpec(l.c(), l.h(), l.w(), l.m(), l.group(), l.kh(), l.kw(), l.sh(), l.sw(), l.dh(), l.dw(),
                l.pt(), l.pl(), l.outH(), l.outW(), c.lo(), c.hi());
    }

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    @ParameterizedTest(name = "{0} {1} {2} bias={3}")
    @MethodSource("cases")
    void withinFloatRoundingOfTheDefinition(FloatKernels kernels, Layer l, Clamp clamp, boolean withBias) {
        Random r = new Random(l.name().hashCode() * 31L + clamp.name().hashCode());
        FloatConvSpec spec = spec(l, clamp);
        float[] w = random(r, l.m() * spec.k());
        float[] bias = withBias ? random(r, l.m()) : null;
        int xOff = 5;
        float[] x = random(r, xOff + spec.inputFloats(l.images()) + 3);
        int yOff = 7;
        int outN = spec.outputFloats(l.images());
        double[] want = new double[outN];
        double[] mag = new double[outN];
        reference(spec, l.images(), x, xOff, w, bias, want, mag);

        FloatConv conv = kernels.prepareConv(spec, w, bias);
        float[] scratch = new float[conv.scratchFloats(l.images())];
        for (int call = 0; call < 2; call++) { // the second call reuses the dirty scratch
            float[] got = new float[yOff + outN + 5];
            Arrays.fill(got, SENTINEL);
            conv.run(x, xOff, l.images(), got, yOff, scratch);
            for (int i = 0; i < got.length; i++) {
                int rel = i - yOff;
                if (rel < 0 || rel >= outN) {
                    if (got[i] != SENTINEL) {
                        fail(kernels + " " + l + ": wrote outside the output at " + i);
                    }
                    continue;
                }
                double bound = (spec.k() + 2) * 0x1p-24 * mag[rel];
                if (!(Math.abs(got[i] - want[rel]) <= bound)) {
                    int plane = spec.outPlane();
                    fail(kernels + " " + l + " " + clamp + " bias=" + withBias + ": image " + rel / (plane * l.m())
                            + " channel " + rel / plane % l.m() + " pixel (" + rel % plane / spec.outW() + ", "
                            + rel % spec.outW() + ") = " + got[i] + ", want " + want[rel] + " +- " + bound);
                }
            }
        }
    }

    /** The definition in double: clamp(bias + sum of w * x over the in-bounds taps), and the sum of magnitudes. */
    static void reference(FloatConvSpec s, int images, float[] x, int xOff, float[] w, float[] bias, double[] y,
                          double[] mag) {
        int cg = s.channels() / s.group(), mg = s.outChannels() / s.group();
        for (int b = 0; b < images; b++) {
            for (int o = 0; o < s.outChannels(); o++) {
                int g = o / mg;
                for (int oh = 0; oh < s.outH(); oh++) {
                    for (int ow = 0; ow < s.outW(); ow++) {
                        double acc = bias == null ? 0 : bias[o];
                        double m = Math.abs(acc);
                        for (int ci = 0; ci < cg; ci++) {
                            int c = g * cg + ci;
                            for (int i = 0; i < s.kh(); i++) {
                                for (int j = 0; j < s.kw(); j++) {
                                    int ih = oh * s.sh() - s.padTop() + i * s.dh();
                                    int iw = ow * s.sw() - s.padLeft() + j * s.dw();
                                    if (ih < 0 || ih >= s.inH() || iw < 0 || iw >= s.inW()) {
                                        continue;
                                    }
                                    double p = (double) w[((o * cg + ci) * s.kh() + i) * s.kw() + j]
                                            * x[xOff + ((b * s.channels() + c) * s.inH() + ih) * s.inW() + iw];
                                    acc += p;
                                    m += Math.abs(p);
                                }
                            }
                        }
                        int at = ((b * s.outChannels() + o) * s.outH() + oh) * s.outW() + ow;
                        y[at] = Math.min(Math.max(acc, s.lo()), s.hi());
                        mag[at] = m;
                    }
                }
            }
        }
    }

    static Stream<Arguments> invarianceCases() {
        List<Layer> layers = layers();
        List<Layer> picked = new ArrayList<>();
        for (Layer l : layers) {
            String n = l.name();
            if (n.startsWith("3x3 first layer") || n.startsWith("3x3 64->70") || n.startsWith("3x3 512->8")
                    || n.startsWith("pointwise 160->960") || n.startsWith("pointwise 4->7") || n.startsWith("group 4")
                    || n.startsWith("depthwise 3x3 s2 24ch") || n.startsWith("3x3 300->9") || n.startsWith("7x7 s2 p3 3->8 on 40")) {
                picked.add(l);
            }
        }
        List<Arguments> out = new ArrayList<>();
        for (FloatKernels k : KernelsUnderTest.allWithNative()) {
            for (Layer l : picked) {
                out.add(Arguments.of(k, l));
            }
        }
        return out.stream();
    }

    /** The same image gives the same bits alone, and at every position of batches of 2 to 5 (calibration relies on it). */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("invarianceCases")
    void anImageGivesTheSameBitsAtAnyBatchPosition(FloatKernels kernels, Layer l) {
        Random r = new Random(l.name().hashCode());
        FloatConvSpec spec = spec(l, CLAMPS.get(0));
        float[] w = random(r, l.m() * spec.k());
        float[] bias = random(r, l.m());
        FloatConv conv = kernels.prepareConv(spec, w, bias);
        int in = spec.inputFloats(1), out = spec.outputFloats(1);
        float[] image = random(r, in);
        float[] alone = new float[out];
        conv.run(image, 0, 1, alone, 0, new float[conv.scratchFloats(1)]);
        for (int batch = 2; batch <= 5; batch++) {
            float[] scratch = new float[conv.scratchFloats(batch)];
            for (int pos = 0; pos < batch; pos++) {
                float[] x = random(r, in * batch);
                System.arraycopy(image, 0, x, pos * in, in);
                float[] y = new float[out * batch];
                conv.run(x, 0, batch, y, 0, scratch);
                assertArrayEquals(alone, Arrays.copyOfRange(y, pos * out, (pos + 1) * out),
                        kernels + " " + l + ": image at position " + pos + " of " + batch);
            }
        }
    }

    static Stream<FloatKernels> kernels() {
        return KernelsUnderTest.allWithNative().stream();
    }

    /** One prepared layer, four threads with their own scratch: every call gives the single-thread bits. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void concurrentCallsWithSeparateScratchGiveTheSameBits(FloatKernels kernels) throws Exception {
        List<Layer> layers = List.of(
                new Layer("3x3 24->40 30x30 x2", 24, 30, 30, 40, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2),
                new Layer("3x3 64->16 7x7 x3", 64, 7, 7, 16, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3),
                new Layer("depthwise 3x3 s2 12ch 29x29", 12, 29, 29, 12, 12, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 2));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (Layer l : layers) {
                Random r = new Random(l.name().hashCode());
                FloatConvSpec spec = spec(l, CLAMPS.get(2));
                FloatConv conv = kernels.prepareConv(spec, random(r, l.m() * spec.k()), random(r, l.m()));
                int inputs = 6;
                float[][] xs = new float[inputs][];
                float[][] want = new float[inputs][];
                for (int i = 0; i < inputs; i++) {
                    xs[i] = random(r, spec.inputFloats(l.images()));
                    want[i] = new float[spec.outputFloats(l.images())];
                    conv.run(xs[i], 0, l.images(), want[i], 0, new float[conv.scratchFloats(l.images())]);
                }
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int seed = t;
                    futures.add(pool.submit(() -> {
                        float[] scratch = new float[conv.scratchFloats(l.images())];
                        float[] y = new float[spec.outputFloats(l.images())];
                        for (int it = 0; it < 40; it++) {
                            int i = (it * 5 + seed) % inputs;
                            conv.run(xs[i], 0, l.images(), y, 0, scratch);
                            assertArrayEquals(want[i], y, kernels + " " + l + " thread " + seed + " call " + it);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Bad sizes are refused in Java, before any kernel (a native kernel would trust them). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void badArgumentsAreRefusedBeforeTheKernel(FloatKernels kernels) {
        FloatConvSpec spec = new FloatConvSpec(3, 9, 9, 4, 1, 3, 3, 1, 1, 1, 1, 1, 1, 9, 9);
        float[] w = new float[4 * 27];
        assertThrows(IllegalArgumentException.class, () -> kernels.prepareConv(spec, new float[5], null));
        assertThrows(IllegalArgumentException.class, () -> kernels.prepareConv(spec, w, new float[3]));
        assertThrows(NullPointerException.class, () -> kernels.prepareConv(spec, null, null));
        FloatConv conv = kernels.prepareConv(spec, w, new float[4]);
        float[] x = new float[spec.inputFloats(2)];
        float[] y = new float[spec.outputFloats(2)];
        float[] s = new float[conv.scratchFloats(2)];
        assertThrows(IndexOutOfBoundsException.class, () -> conv.run(x, 1, 2, y, 0, s));
        assertThrows(IndexOutOfBoundsException.class, () -> conv.run(x, 0, 2, y, 1, s));
        assertThrows(IndexOutOfBoundsException.class, () -> conv.run(x, -1, 1, y, 0, s));
        assertThrows(IndexOutOfBoundsException.class, () -> conv.run(x, 0, 3, y, 0, s));
        assertThrows(IllegalArgumentException.class, () -> conv.run(x, 0, -1, y, 0, s));
        assertThrows(IllegalArgumentException.class, () -> conv.scratchFloats(-1));
        if (conv.scratchFloats(2) > 0) {
            assertThrows(IllegalArgumentException.class,
                    () -> conv.run(x, 0, 2, y, 0, new float[conv.scratchFloats(2) - 1]));
        }
        conv.run(x, 0, 0, y, 0, s); // no images: nothing to do
        assertThrows(IllegalArgumentException.class, () -> spec.withClamp(1f, 0f));
        assertThrows(IllegalArgumentException.class, () -> spec.withClamp(Float.NaN, 0f));
        assertThrows(IllegalArgumentException.class,
                () -> new FloatConvSpec(3, 9, 9, 4, 2, 3, 3, 1, 1, 1, 1, 1, 1, 9, 9));
    }

    /** Every float level this CPU runs has native float kernels, and the names say which registers they use. */
    @Test
    void everyNativeLevelHasFloatKernels() {
        List<FloatKernels> nat = KernelsUnderTest.nativeFloat();
        assertEquals(KernelProvider.nativeLevels().size(), nat.size());
        for (int i = 0; i < nat.size(); i++) {
            NativeLevel level = KernelProvider.nativeLevels().get(i);
            assertEquals(level == NativeLevel.AVX512_VNNI ? "native-avx512" : "native-avx2", nat.get(i).name());
        }
    }

    /**
     * Every native level gives the same bits (each output is bias + the same k-ordered chain of fused multiply-adds
     * in zmm and ymm lanes alike), so the float engine's results do not depend on the CPU's dispatch level either.
     */
    @Test
    void everyNativeLevelGivesTheSameBits() {
        List<FloatKernels> nat = KernelsUnderTest.nativeFloat();
        if (nat.size() < 2) {
            System.out.println("[native float levels not compared] this CPU runs " + nat.size());
            return;
        }
        for (Layer l : layers()) {
            Random r = new Random(l.name().hashCode() + 7);
            FloatConvSpec spec = spec(l, CLAMPS.get(1));
            float[] w = random(r, l.m() * spec.k());
            float[] bias = random(r, l.m());
            float[] x = random(r, spec.inputFloats(l.images()));
            float[] first = null;
            for (FloatKernels k : nat) {
                FloatConv conv = k.prepareConv(spec, w, bias);
                float[] y = new float[spec.outputFloats(l.images())];
                conv.run(x, 0, l.images(), y, 0, new float[conv.scratchFloats(l.images())]);
                if (first == null) {
                    first = y;
                } else {
                    assertArrayEquals(first, y, k + " vs " + nat.get(0) + " on " + l);
                }
            }
        }
    }
}
