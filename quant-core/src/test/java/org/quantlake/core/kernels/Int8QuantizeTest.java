package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.quant.QuantDType;
import org.quantlake.core.quant.Quantization;

/**
 * {@code quantize} (per-tensor ONNX QuantizeLinear) in every implementation against {@link Quantization#quantize},
 * byte for byte: gaussian values, exact ties (k + 0.5 steps, where round half to even shows), saturation, NaN, +-Inf,
 * -0.0, both signednesses, zero points at their ends, lengths around the vector width, odd offsets.
 */
class Int8QuantizeTest {

    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f,
        Float.MIN_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE};

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void matchesQuantizationQuantize(Int8Kernels k) {
        Random r = new Random(11);
        float[] scales = {0.02f, 0.1f, 0.25f, 1f, 3e-4f, 7.5f};
        for (boolean signed : new boolean[] {false, true}) {
            QuantDType dt = signed ? QuantDType.QINT8 : QuantDType.QUINT8;
            int lo = signed ? -128 : 0;
            for (float scale : scales) {
                for (int zp : new int[] {lo, lo + 255, lo + 128, lo + r.nextInt(256)}) {
                    for (int n : new int[] {0, 1, 7, 15, 16, 17, 31, 63, 64, 65, 257}) {
                        int xOff = r.nextInt(3), yOff = r.nextInt(3);
                        float[] x = new float[xOff + n + 2];
                        for (int i = 0; i < x.length; i++) {
                            int kind = r.nextInt(8);
                            x[i] = kind == 0 ? SPECIAL[r.nextInt(SPECIAL.length)]
                                    : kind == 1 ? (r.nextInt(600) - 300 + 0.5f) * scale  // on a tie (or near it)
                                    : (float) (r.nextGaussian() * 80 * scale);
                        }
                        byte[] y = new byte[yOff + n + 2];
                        r.nextBytes(y);
                        byte[] want = y.clone();
                        for (int i = 0; i < n; i++) {
                            want[yOff + i] = (byte) Quantization.quantize(x[xOff + i], scale, zp, dt);
                        }
                        k.quantize(n, x, xOff, scale, zp, signed, y, yOff);
                        if (!Arrays.equals(want, y)) {
                            int i = Arrays.mismatch(want, y);
                            fail(k + (signed ? " int8" : " uint8") + " scale " + scale + " zp " + zp + " n " + n
                                    + ": [" + i + "] = " + y[i] + ", want " + want[i] + " for x = "
                                    + (i - yOff >= 0 && i - yOff < n ? x[xOff + i - yOff] : Float.NaN));
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void rejectsBadArguments(Int8Kernels k) {
        float[] x = new float[4];
        byte[] y = new byte[4];
        assertThrows(IndexOutOfBoundsException.class, () -> k.quantize(5, x, 0, 1f, 0, false, y, 0));
        assertThrows(IllegalArgumentException.class, () -> k.quantize(-1, x, 0, 1f, 0, false, y, 0));
        assertThrows(IllegalArgumentException.class, () -> k.quantize(4, x, 0, 1f, 256, false, y, 0));
        assertThrows(IllegalArgumentException.class, () -> k.quantize(4, x, 0, 1f, 128, true, y, 0));
    }
}
