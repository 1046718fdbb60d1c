package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Every implementation's prepared convolution ({@link Int8Kernels#prepareConv}) must equal a naive loop over the
 * definition (bias plus w * (x - xZp) over the in-bounds taps, then the rule) byte for byte, on awkward layers:
 * odd channel counts, depths that are not multiples of 4 or 64, strides, asymmetric pads, dilations, groups,
 * depthwise filters of several sizes, pointwise layers, batches whose columns cross images and chunks, zero points
 * and clamps at their extremes, non-finite multipliers, and views whose surroundings must stay untouched.
 */
class Int8ConvDifferentialTest {

    private static final byte SENTINEL = (byte) 0x5A;

    /** A layer and a call: geometry (with the bottom/right pads that fix the output size) and the batch. */
    record Layer(String name, int c, int h, int w, int m, int group, int kh, int kw, int sh, int sw, int dh, int dw,
                 int pt, int pl, int pb, int pr, int images) {
        int outH() {
            return (h + pt + pb - dh * (kh - 1) - 1) / sh + 1;
        }

        int outW() {
            return (w + pl + pr - dw * (kw - 1) - 1) / sw + 1;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Layer conv(String name, int c, int h, int w, int m, int k, int s, int p, int images) {
        return new Layer(name, c, h, w, m, 1, k, k, s, s, 1, 1, p, p, p, p, images);
    }

    private static Layer dw(String name, int c, int h, int w, int k, int s, int p, int d, int images) {
        return new Layer(name, c, h, w, c, c, k, k, s, s, d, d, p, p, p, p, images);
    }

    static List<Layer> layers() {
        return List.of(
                conv("pointwise 3->5 7x7", 3, 7, 7, 5, 1, 1, 0, 1),
                conv("pointwise 24->144 14x14 x3", 24, 14, 14, 144, 1, 1, 0, 3),
                conv("pointwise 1->1 1x1", 1, 1, 1, 1, 1, 1, 0, 2),
                conv("pointwise 4->7 100x100 x2 (chunks cross images)", 4, 100, 100, 7, 1, 1, 0, 2),
                conv("pointwise 160->960 7x7 x5", 160, 7, 7, 960, 1, 1, 0, 5),
                conv("3x3 first layer 3->16 s2", 3, 33, 31, 16, 3, 2, 1, 2),
                conv("3x3 17->13 9x11", 17, 9, 11, 13, 3, 1, 1, 1),
                conv("3x3 64->70 28x28 x3 (k=576, chunks)", 64, 28, 28, 70, 3, 1, 1, 3),
                conv("3x3 512->8 7x7 (k=4608)", 512, 7, 7, 8, 3, 1, 1, 2),
                conv("7x7 s2 p3 3->8", 3, 32, 32, 8, 7, 2, 3, 1),
                // stride 2 x 2: im2col rows read the split stride phases (ql_conv.c phase_row)
                conv("3x3 s2 64->70 28x28 x3 (chunks cross images)", 64, 28, 28, 70, 3, 2, 1, 3),
                conv("5x5 s2 pad 4 (past the phases) 3->4 odd 13x13", 3, 13, 13, 4, 5, 2, 4, 2),
                conv("2x2 s2 no pad 5->6 odd 9x9", 5, 9, 9, 6, 2, 2, 0, 2),
                new Layer("3x3 s2 dilation 2 4->5", 4, 15, 14, 5, 1, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2),
                new Layer("3x3 s2 pads top/left only 3->4 1-column", 3, 8, 1, 4, 1, 3, 3, 2, 2, 1, 1, 1, 1, 0, 0, 2),
                new Layer("3x3 s2 group 2 (phases per group) 6->4", 6, 10, 11, 4, 2, 3, 3, 2, 2, 1, 1, 1, 0, 1, 2, 2),
                // stride 1 with the output the input's size: the shifted-plane im2col (ql_conv.c shifted_row)
                conv("same 5x5 3->6 40x40 x3 (chunks cross images)", 3, 40, 40, 6, 5, 1, 2, 3),
                conv("same 3x3 on 1-column planes", 3, 9, 1, 4, 3, 1, 1, 2),
                // k = 4608: 64-column chunks on AVX512-VNNI, so a chunk ends inside an image's first row (a JVM crash once)
                conv("same 3x3 512->8 3x40 x3 (chunks end in a first row)", 512, 3, 40, 8, 3, 1, 1, 3),
                conv("same 3x3 on 1x1 planes x4", 5, 1, 1, 3, 3, 1, 1, 4),
                new Layer("same 3x3 dilation 2 pad 2", 4, 11, 13, 5, 1, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 3),
                new Layer("same 2x2 pads top/left only", 3, 7, 8, 4, 1, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 2),
                new Layer("same 3x1 pads bottom only rows", 3, 6, 5, 4, 1, 3, 1, 1, 1, 1, 1, 0, 0, 2, 0, 2),
                conv("1x1 s2 64->32 (strided pointwise)", 64, 14, 14, 32, 1, 2, 0, 2),
                // 1x1 stride 2: only the phases a tap reads are split (one without padding, the odd ones with it)
                conv("1x1 s2 odd 15x15 x2", 9, 15, 15, 12, 1, 2, 0, 2),
                new Layer("1x1 s2 pad top/left 1 (odd phases) 13x12", 5, 13, 12, 7, 1, 1, 1, 2, 2, 1, 1, 1, 1, 0, 0, 2),
                // small planes and deep layers (k >= 1024): the native pixel-row path (ql_conv.c run_pixel_rows; pixels as
                // tile rows, channels as vector columns), chosen where 64-column tiles would be mostly empty; on
                // AVX512-VNNI the channel-last path takes those with a kernel window, the pointwise one stays here
                conv("pixel rows: same 3x3 128->128 7x7", 128, 7, 7, 128, 3, 1, 1, 1),
                conv("pixel rows: 3x3 s2 128->250 14x14 (phases, a part panel of channels)", 128, 14, 14, 250, 3, 2, 1, 1),
                conv("pixel rows: pointwise 1030->192 14x14 (k not a multiple of 4)", 1030, 14, 14, 192, 1, 1, 0, 1),
                new Layer("pixel rows: 5x3 dilation 2 asymmetric pads x2 (rows cross images)", 70, 9, 8, 64, 1, 5, 3, 1, 1, 2, 1,
                        4, 1, 3, 0, 2),
                // a kernel window, one group, channels and output channels near multiples of 4 and 64: the native
                // channel-last path on AVX512-VNNI (ql_conv_nhwc.c; padded NHWC copy, pixel pointers, no im2col)
                conv("channel-last: same 3x3 64->64 28x28 x3", 64, 28, 28, 64, 3, 1, 1, 3),
                conv("channel-last: same 3x3 512->64 9x9 x7 (chunks of 510 pixels cross images)", 512, 9, 9, 64, 3, 1, 1, 7),
                conv("channel-last: 3x3 30->100 11x11 x2 (padding channels, a part panel)", 30, 11, 11, 100, 3, 1, 1, 2),
                conv("channel-last: 7x7 s2 p3 36->64 odd 17x17 x2", 36, 17, 17, 64, 7, 2, 3, 2),
                new Layer("channel-last: 3x3 dilation 2 asymmetric pads 40->48 x2", 40, 10, 13, 48, 1, 3, 3, 1, 1, 2, 2, 2, 1,
                        0, 3, 2),
                new Layer("channel-last: 3x3 s3 pad bigger than needed 32->64", 32, 8, 8, 64, 1, 3, 3, 3, 3, 1, 1, 4, 4, 4, 4,
                        1),
                conv("channel-last: same 3x3 on 1x1 planes 32->64 x5 (a last block of 5 pixels)", 32, 1, 1, 64, 3, 1, 1, 5),
                new Layer("channel-last: 2x1 512->48 32x32 x2 (a 540 KB padded image: one image per pass)", 512, 32, 32, 48, 1,
                        2, 1, 1, 1, 1, 1, 0, 0, 1, 0, 2),
                conv("5x5 no pad 6->9", 6, 12, 10, 9, 5, 1, 0, 1),
                new Layer("asymmetric pads 5->6", 5, 10, 9, 6, 1, 3, 2, 1, 2, 1, 1, 0, 2, 1, 0, 2),
                new Layer("dilation 2 4->5", 4, 13, 12, 5, 1, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1),
                new Layer("stride 3 pad bigger than needed", 3, 8, 8, 4, 1, 3, 3, 3, 3, 1, 1, 4, 4, 4, 4, 1),
                new Layer("group 2 8->6", 8, 9, 9, 6, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2),
                new Layer("group 4 16->20", 16, 6, 7, 20, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1),
                new Layer("depthwise multiplier 2 (8->16, group 8)", 8, 8, 8, 16, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
                dw("depthwise 3x3 s1 32ch 16x16", 32, 16, 16, 3, 1, 1, 1, 2),
                dw("depthwise 3x3 s2 24ch 15x15", 24, 15, 15, 3, 2, 1, 1, 2),
                dw("depthwise 3x3 s1 7x7", 9, 7, 7, 3, 1, 1, 1, 3),
                dw("depthwise 3x3 s2 14x14", 5, 14, 14, 3, 2, 1, 1, 1),
                dw("depthwise 3x3 s2 rows over 128 bytes (161, 260 wide)", 3, 9, 161, 3, 2, 1, 1, 2),
                dw("depthwise 3x3 s2 even rows 260 wide", 2, 6, 260, 3, 2, 1, 1, 1),
                dw("depthwise 3x3 s1 rows over 64 bytes, odd", 3, 5, 67, 3, 1, 1, 1, 2),
                dw("depthwise 3x3 s1 1x1 plane", 4, 1, 1, 3, 1, 1, 1, 2),
                dw("depthwise 3x3 s1 112x112", 3, 112, 112, 3, 1, 1, 1, 1),
                dw("depthwise 5x5 s1 p2", 6, 11, 13, 5, 1, 2, 1, 1),
                dw("depthwise 7x7 s2 p3 (kw > 4)", 4, 17, 16, 7, 2, 3, 1, 1),
                dw("depthwise 3x3 dilation 2", 3, 12, 12, 3, 1, 2, 2, 1),
                dw("depthwise 3x3 s3", 3, 13, 13, 3, 3, 1, 1, 1),
                dw("depthwise 1x1", 5, 6, 6, 1, 1, 0, 1, 1),
                new Layer("depthwise 3x5 asymmetric", 3, 10, 11, 3, 3, 3, 5, 1, 2, 1, 1, 1, 2, 0, 1, 2),
                new Layer("depthwise 2x2 no pad", 2, 5, 5, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0, 1));
    }

    /** Quantization parameters of a case; {@code kind} picks typical, extreme or non-finite. */
    record Quant(int xZp, int yZp, int lo, int hi, String kind) {
        @Override
        public String toString() {
            return kind + " xzp " + xZp + " yzp " + yZp + " [" + lo + ", " + hi + "]";
        }
    }

    static Stream<Arguments> cases() {
        List<Quant> quants = List.of(new Quant(128, 3, 3, 255, "relu"), new Quant(0, 0, 0, 255, "zp 0"),
                new Quant(255, 255, 0, 255, "zp 255"), new Quant(37, 90, 90, 200, "clip"),
                new Quant(11, 7, 0, 255, "non-finite"));
        List<Arguments> out = new ArrayList<>();
        List<Layer> layers = layers();
        for (Int8Kernels k : KernelsUnderTest.allInt8()) {
            for (int i = 0; i < layers.size(); i++) {
                // Each layer with two of the quantizations, rotating, so every pairing appears across layers.
                out.add(Arguments.of(k, layers.get(i), quants.get(i % quants.size())));
                out.add(Arguments.of(k, layers.get(i), quants.get((i + 2) % quants.size())));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void equalsTheDefinition(Int8Kernels kernels, Layer l, Quant q) {
        Random r = new Random(l.name().hashCode() * 31L + q.kind().hashCode());
        Int8ConvSpec spec = new Int8ConvSpec(l.c, l.h, l.w, l.m, l.group, l.kh, l.kw, l.sh, l.sw, l.dh, l.dw, l.pt,
                l.pl, l.outH(), l.outW(), q.xZp, q.yZp, q.lo, q.hi);
        int k = spec.k();
        byte[] w = new byte[l.m * k];
        r.nextBytes(w);
        w[0] = -128;
        w[w.length - 1] = 127;
        int[] bias = new int[l.m];
        float[] mult = new float[l.m];
        for (int o = 0; o < l.m; o++) {
            bias[o] = r.nextInt(40001) - 20000;
            // Scaled so outputs spread over the clamp: accumulators are about 128 * 100 * sqrt(k).
            mult[o] = (float) (1.0 / (400.0 * Math.sqrt(k)) * Math.exp(r.nextGaussian()));
            if (o % 7 == 3) {
                mult[o] = 0.5f; // half-integers everywhere: every odd accumulator is a tie
            }
        }
        if (q.kind().equals("non-finite")) {
            mult[0] = Float.NaN;
            mult[l.m - 1] = Float.POSITIVE_INFINITY;
        }
        int xOff = 5;
        byte[] x = new byte[xOff + spec.inputBytes(l.images) + 3];
        r.nextBytes(x);
        int yOff = 7;
        byte[] want = new byte[yOff + spec.outputBytes(l.images) + 5];
        Arrays.fill(want, SENTINEL);
        reference(spec, l.images, x, xOff, w, bias, mult, want, yOff);

        Int8Conv conv = kernels.prepareConv(spec, w, bias, mult);
        byte[] sb = new byte[conv.scratchBytes(l.images)];
        int[] si = new int[conv.scratchInts(l.images)];
        for (int call = 0; call < 2; call++) { // the second call reuses the dirty scratch
            byte[] got = new byte[want.length];
            Arrays.fill(got, SENTINEL);
            conv.run(x, xOff, l.images, got, yOff, sb, si);
            compare(kernels, l, q, spec, want, got, yOff);
        }
    }

    /** The definition, as plainly as it can be written. */
    static void reference(Int8ConvSpec s, int images, byte[] x, int xOff, byte[] w, int[] bias, float[] mult, byte[] y,
                          int yOff) {
        int cg = s.channels() / s.group(), mg = s.outChannels() / s.group();
        for (int b = 0; b < images; b++) {
            for (int o = 0; o < s.outChannels(); o++) {
                int g = o / mg;
                for (int oh = 0; oh < s.outH(); oh++) {
                    for (int ow = 0; ow < s.outW(); ow++) {
                        int acc = bias[o];
                        for (int ci = 0; ci < cg; ci++) {
                            int c = g * cg + ci;
                            for (int i = 0; i < s.kh(); i++) {
                                for (int j = 0; j < s.kw(); j++) {
                                    int ih = oh * s.sh() - s.padTop() + i * s.dh();
                                    int iw = ow * s.sw() - s.padLeft() + j * s.dw();
                                    if (ih < 0 || ih >= s.inH() || iw < 0 || iw >= s.inW()) {
                                        continue;
                                    }
                                    int xv = x[xOff + ((b * s.channels() + c) * s.inH() + ih) * s.inW() + iw] & 0xFF;
                                    acc += w[((o * cg + ci) * s.kh() + i) * s.kw() + j] * (xv - s.xZp());
                                }
                            }
                        }
                        y[yOff + ((b * s.outChannels() + o) * s.outH() + oh) * s.outW() + ow] =
                                (byte) Requantizer.requantize(acc, mult[o], s.yZp(), s.lo(), s.hi());
                    }
                }
            }
        }
    }

    private static void compare(Int8Kernels kernels, Layer l, Quant q, Int8ConvSpec s, byte[] want, byte[] got,
                                int yOff) {
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i]) {
                int rel = i - yOff, plane = s.outPlane();
                String where = rel < 0 || rel >= s.outputBytes(l.images) ? "outside the output"
                        : "image " + rel / (plane * s.outChannels()) + " channel " + rel / plane % s.outChannels()
                        + " pixel (" + rel % plane / s.outW() + ", " + rel % s.outW() + ")";
                fail(kernels.name() + " " + l + " " + q + ": byte " + i + " (" + where + ") = "
                        + Byte.toUnsignedInt(got[i]) + ", want " + Byte.toUnsignedInt(want[i]));
            }
        }
        assertEquals(want.length, got.length);
    }
}
