package org.quantlake.spark.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RowSamplerTest {

    /** The hash decides which rows every existing configuration calibrates on: it must never change. */
    @Test
    void hashValuesArePinned() {
        RowSampler s = new RowSampler(0.5, 0);
        assertEquals(0xf4aa7626012e7756L, s.hash(""));
        assertEquals(0x98b265c4e4930c74L, s.hash("42"));
        assertEquals(0x4c0bad32ed3af45fL, new RowSampler(0.5, 7).hash("42"));
        assertEquals(0xf92174934656fc05L, s.hash("n01440764_tench.JPEG"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 7, 8, 9, 64, 65})
    void aFloatTensorHashesAsItsLittleEndianBytes(int n) {
        Random r = new Random(n);
        float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = (float) r.nextGaussian();
        if (n > 2) t[2] = Float.NaN;
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : t) b.putFloat(f);
        RowSampler s = new RowSampler(0.5, 11);
        assertEquals(s.hash(b.array()), s.hash(t));
    }

    @Test
    void keepsTheRequestedFractionAndSeedsDifferWhileEachIsStable() {
        RowSampler a = new RowSampler(0.25, 1);
        RowSampler b = new RowSampler(0.25, 2);
        int keptA = 0;
        int both = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            boolean ka = a.keep(a.hash(Integer.toString(i)));
            boolean kb = b.keep(b.hash(Integer.toString(i)));
            if (ka) keptA++;
            if (ka && kb) both++;
            assertEquals(ka, a.keep(a.hash(Integer.toString(i))), "same key, same decision");
        }
        assertEquals(0.25, (double) keptA / n, 0.005);
        // independent seeds: about a quarter of a quarter in both
        assertEquals(0.0625, (double) both / n, 0.004);
    }

    @Test
    void edgeFractions() {
        RowSampler none = new RowSampler(0, 0);
        RowSampler all = new RowSampler(1, 0);
        assertTrue(all.keepsAll());
        assertFalse(none.keepsAll());
        for (long h : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 12345}) {
            assertFalse(none.keep(h));
            assertTrue(all.keep(h));
        }
        assertThrows(IllegalArgumentException.class, () -> new RowSampler(1.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new RowSampler(Double.NaN, 0));
        assertNotEquals(new RowSampler(0.5, 0).hash("a"), new RowSampler(0.5, 0).hash("b"));
    }
}
