package org.quantlake.core.quant;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RequantizerTest {

    @Test
    void multiplierIsInTimesWeightOverOutInFloat32() {
        float in = 0.0123f;
        float w = 0.00417f;
        float out = 0.0531f;
        float expected = in * w / out;
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(Requantizer.multiplier(in, w, out)));
        // order matters in float32: in * (w / out) may differ in the last bit for some inputs; we fix (in * w) / out.
    }

    @Test
    void roundsHalfToEvenThenAddsZeroPointAndSaturates() {
        assertEquals(12, Requantizer.requantize(5, 0.5f, 10, 0, 255));   // 2.5 -> 2, +10
        assertEquals(12, Requantizer.requantize(3, 0.5f, 10, 0, 255));   // 1.5 -> 2, +10
        assertEquals(8, Requantizer.requantize(-5, 0.5f, 10, 0, 255));   // -2.5 -> -2, +10
        assertEquals(255, Requantizer.requantize(1_000_000, 0.5f, 10, 0, 255));
        assertEquals(0, Requantizer.requantize(-1_000_000, 0.5f, 10, 0, 255));
        assertEquals(-128, Requantizer.requantize(-1_000_000, 0.5f, 0, -128, 127));
    }

    @Test
    void fusedReluClampsAtTheZeroPoint() {
        // a fused Relu clamps to [zp, 255]
        assertEquals(30, Requantizer.requantize(-400, 0.1f, 30, 30, 255));
        assertEquals(70, Requantizer.requantize(400, 0.1f, 30, 30, 255));
    }

    @Test
    void largeAccumulatorsConvertToFloatLikeC() {
        // (float) of an int above 2^24 rounds to nearest even float, as C's conversion does
        int acc = (1 << 24) + 1;
        assertEquals(1 << 24, (int) (float) acc);
        assertEquals(Math.min(255, (1 << 24) / 65536), Requantizer.requantize(acc, 1f / 65536, 0, 0, 255));
    }

    @Test
    void agreesWithTheReferenceFormulaOnRandomInputs() {
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 100_000; i++) {
            int acc = r.nextInt(1 << 22) - (1 << 21);
            float m = (float) Math.exp(-4 - r.nextDouble() * 8);
            int zp = r.nextInt(256);
            double ref = Math.rint((double) ((float) acc * m)) + zp;  // round first, then clamp
            int expected = (int) Math.max(0, Math.min(255, ref));
            assertEquals(expected, Requantizer.requantize(acc, m, zp, 0, 255));
        }
    }
}
