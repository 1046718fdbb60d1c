package org.quantlake.core.quant;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantizationTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"0.7, 7", "0.5, 6", "-0.7, 1", "-1.5, 0", "100, 255", "0, 4", "-1.0, 0", "-0.99, 0"})
    void pytorchTutorialWorkedExample(float x, int expected) {
        // scale 0.25, zero point 4, quint8: the example from PyTorch's quantization tutorial
        assertEquals(expected, Quantization.quantize(x, 0.25f, 4, QuantDType.QUINT8));
    }

    @ParameterizedTest(name = "{0}/1 -> {1}")
    @CsvSource({"0.5, 0", "1.5, 2", "2.5, 2", "3.5, 4", "-0.5, 0", "-1.5, -2", "-2.5, -2", "2.4999998, 2", "2.5000002, 3"})
    void tiesRoundHalfToEven(float x, int expected) {
        assertEquals(expected, Quantization.quantize(x, 1f, 0, QuantDType.QINT8));
    }

    @Test
    void saturatesToTheFullDtypeRange() {
        assertEquals(127, Quantization.quantize(1e9f, 1f, 0, QuantDType.QINT8));
        assertEquals(-128, Quantization.quantize(-1e9f, 1f, 0, QuantDType.QINT8));
        assertEquals(255, Quantization.quantize(Float.POSITIVE_INFINITY, 0.1f, 10, QuantDType.QUINT8));
        assertEquals(0, Quantization.quantize(Float.NEGATIVE_INFINITY, 0.1f, 10, QuantDType.QUINT8));
        assertEquals(Integer.MAX_VALUE, Quantization.quantize(1e30f, 1f, 0, QuantDType.QINT32));
        assertEquals(Integer.MIN_VALUE, Quantization.quantize(-1e30f, 1f, 0, QuantDType.QINT32));
        // saturation happens after adding the zero point: 250 + 10 -> 255
        assertEquals(255, Quantization.quantize(25.0f, 0.1f, 10, QuantDType.QUINT8));
    }

    @Test
    void nanQuantizesToTheZeroPoint() {
        assertEquals(17, Quantization.quantize(Float.NaN, 0.5f, 17, QuantDType.QUINT8));
    }

    @Test
    void dividesByTheScaleRatherThanMultiplyingByItsReciprocal() {
        // ONNX defines x / scale; x * (1 / scale) differs in the last bit often enough to move a rounding tie.
        java.util.Random r = new java.util.Random(3);
        int differ = 0;
        for (int i = 0; i < 200_000; i++) {
            float scale = (float) Math.exp(r.nextGaussian() * 2);
            float x = (float) ((r.nextInt(200) - 100 + 0.5) * scale);  // near ties
            int q = Quantization.quantize(x, scale, 0, QuantDType.QINT8);
            int byDivision = (int) Math.max(-128, Math.min(127, Math.rint(x / scale)));
            int byReciprocal = (int) Math.max(-128, Math.min(127, Math.rint(x * (1f / scale))));
            assertEquals(byDivision, q, "x=" + x + " scale=" + scale);
            if (byDivision != byReciprocal) differ++;
        }
        assertTrue(differ > 0, "the two formulas never disagreed, so this test proves nothing");
    }

    @Test
    void dequantize() {
        assertEquals(0.75f, Quantization.dequantize(7, 0.25f, 4));
        assertEquals(-1.0f, Quantization.dequantize(0, 0.25f, 4));
        assertEquals(0f, Quantization.dequantize(4, 0.25f, 4));
    }

    @Test
    void quantizeDequantizeQuantizeIsStable() {
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < 10_000; i++) {
            float scale = (float) Math.exp(r.nextGaussian() * 3);
            int zp = r.nextInt(256);
            float x = (float) (r.nextGaussian() * 300 * scale);
            int q = Quantization.quantize(x, scale, zp, QuantDType.QUINT8);
            float y = Quantization.dequantize(q, scale, zp);
            assertEquals(q, Quantization.quantize(y, scale, zp, QuantDType.QUINT8), "x=" + x + " scale=" + scale + " zp=" + zp);
        }
    }

    @Test
    void perChannelQuantizeUsesEachChannelsParams() {
        // shape [2, 3]: axis 1 has 3 channels, axis 0 has 2
        float[] x = {1f, 1f, 1f, -2f, -2f, -2f};
        QParams q1 = QParams.perChannel(QuantDType.QINT8, 1, new float[] {1f, 0.5f, 0.25f}, new int[] {0, 0, 0});
        assertArrayEquals(new byte[] {1, 2, 4, -2, -4, -8}, Quantization.quantize(x, new int[] {2, 3}, q1));
        QParams q0 = QParams.perChannel(QuantDType.QINT8, 0, new float[] {1f, 0.5f}, new int[] {0, 0});
        assertArrayEquals(new byte[] {1, 1, 1, -4, -4, -4}, Quantization.quantize(x, new int[] {2, 3}, q0));
        float[] back = Quantization.dequantize(Quantization.quantize(x, new int[] {2, 3}, q1), new int[] {2, 3}, q1);
        assertArrayEquals(x, back);
    }

    @Test
    void perChannelParamsMustFitTheShape() {
        QParams q = QParams.perChannel(QuantDType.QINT8, 1, new float[] {1f, 1f}, new int[] {0, 0});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantization.quantize(new float[6], new int[] {2, 3}, q));
        assertTrue(e.getMessage().contains("2 channels on axis 1"), e.getMessage());
    }

    @Test
    void unsignedBytesRoundTrip() {
        byte[] q = new byte[3];
        Quantization.quantize(new float[] {0f, 63.75f, -1f}, 0, q, 0, 3, 0.25f, 0, QuantDType.QUINT8);
        assertEquals(255, q[1] & 0xFF);
        float[] back = new float[3];
        Quantization.dequantize(q, 0, back, 0, 3, 0.25f, 0, QuantDType.QUINT8);
        assertArrayEquals(new float[] {0f, 63.75f, 0f}, back);
    }

    @Test
    void biasToInt32() {
        QParams q = QParams.perChannel(QuantDType.QINT32, 0, new float[] {0.001f, 0.002f}, new int[] {0, 0});
        assertArrayEquals(new int[] {1000, -250}, Quantization.quantizeToInt32(new float[] {1f, -0.5f}, new int[] {2}, q));
    }
}
