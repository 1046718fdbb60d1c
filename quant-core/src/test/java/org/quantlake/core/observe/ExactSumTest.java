package org.quantlake.core.observe;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactSumTest {

    static float randomFloat(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> Float.intBitsToFloat(r.nextInt() & 0x7F7FFFFF) * (r.nextBoolean() ? 1 : -1);  // any finite magnitude
            case 1 -> (r.nextBoolean() ? 1 : -1) * Float.MAX_VALUE;
            case 2 -> (r.nextBoolean() ? 1 : -1) * Float.MIN_VALUE * (1 + r.nextInt(100));     // subnormals
            case 3 -> (float) r.nextGaussian();
            case 4 -> -0.0f;
            default -> (float) (r.nextGaussian() * 1e6);
        };
    }

    @Test
    void equalsTheExactDecimalSumInEveryOrder() {
        Random r = new Random(17);
        for (int t = 0; t < 200; t++) {
            List<Float> xs = new ArrayList<>();
            int n = 1 + r.nextInt(500);
            for (int i = 0; i < n; i++) {
                float v = randomFloat(r);
                if (Float.isFinite(v)) xs.add(v);
            }
            BigDecimal exact = BigDecimal.ZERO;
            for (float v : xs) exact = exact.add(new BigDecimal(v));
            ExactSum forward = new ExactSum();
            for (float v : xs) forward.add(v);
            Collections.shuffle(xs, r);
            ExactSum a = new ExactSum();
            ExactSum b = new ExactSum();
            int cut = r.nextInt(xs.size() + 1);
            for (int i = 0; i < cut; i++) a.add(xs.get(i));
            for (int i = cut; i < xs.size(); i++) b.add(xs.get(i));
            b.add(a);
            assertEquals(forward, b, "order or grouping changed the exact sum");
            java.math.BigInteger exactUnits = exact.multiply(new BigDecimal(java.math.BigInteger.TWO.pow(149))).toBigIntegerExact();
            assertEquals(exactUnits, forward.units());
            assertEquals(exact.doubleValue(), forward.toDouble());
        }
    }

    @Test
    void floatSumsAreNotAssociativeButThisIs() {
        float big = 1e8f;
        float small = 1f;
        assertNotEquals((big + small) - big, small + (big - big));  // float: 0 vs 1
        ExactSum s1 = new ExactSum();
        s1.add(big);
        s1.add(small);
        s1.add(-big);
        assertEquals(1.0, s1.toDouble());
    }

    @Test
    void refusesNonFinite() {
        assertThrows(IllegalArgumentException.class, () -> new ExactSum().add(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ExactSum().add(Float.POSITIVE_INFINITY));
    }

    @Test
    void meanOfCancellingValues() {
        ExactSum s = new ExactSum();
        s.add(Float.MAX_VALUE);
        s.add(Float.MAX_VALUE);
        s.add(-Float.MAX_VALUE);
        s.add(3f);
        assertEquals((float) (((double) Float.MAX_VALUE + 3) / 4), s.mean(4));
        assertThrows(IllegalArgumentException.class, () -> s.mean(0));
    }
}
