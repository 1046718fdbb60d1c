package org.quantlake.core.observe;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quantlake.core.tensor.FloatTensor;

class ObserverSerdeTest {

    static List<Observer> samples() {
        float[] d = {1f, -2f, Float.NaN, 4f, 0.5f, Float.NEGATIVE_INFINITY, 3f, -7f};
        FloatTensor t = new FloatTensor(d, new int[] {2, 2, 2});
        MinMaxObserver mm = new MinMaxObserver();
        mm.observe(t);
        PerChannelMinMaxObserver pc = new PerChannelMinMaxObserver(1);
        pc.observe(t);
        MeanMinMaxObserver mean = new MeanMinMaxObserver();
        mean.observe(t);
        HistogramObserver h = HistogramObserver.onRangeOf(mm, 100);
        h.observe(t);
        return List.of(mm, pc, mean, h, new MinMaxObserver(), new PerChannelMinMaxObserver(0), new MeanMinMaxObserver(),
                new HistogramObserver(HistogramGrid.covering(0f, 1f, 8)));
    }

    @Test
    void roundTripIsByteIdentical() {
        for (Observer o : samples()) {
            byte[] b = o.toBytes();
            Observer back = Observer.fromBytes(b);
            assertEquals(o.kind(), back.kind());
            assertArrayEquals(b, back.toBytes(), o.toString());
            assertEquals(o.counts(), back.counts());
            assertEquals(b[0], (byte) ObserverSerde.FORMAT_VERSION);
            assertEquals(b[1], (byte) o.kind().typeId());
            if (!o.isEmpty()) assertEquals(o.observedRange(), back.observedRange());
        }
    }

    @Test
    void goldenBytesOfAMinMaxState() {
        MinMaxObserver o = new MinMaxObserver();
        o.observe(FloatTensor.of(-1f, 2f, Float.NaN));
        byte[] expected = {
            1, 1,                                   // version 1, type MinMax
            0, 0, 0, 0, 0, 0, 0, 2,                 // finite
            0, 0, 0, 0, 0, 0, 0, 1,                 // nan
            0, 0, 0, 0, 0, 0, 0, 0,                 // +inf
            0, 0, 0, 0, 0, 0, 0, 0,                 // -inf
            (byte) 0xBF, (byte) 0x80, 0, 0,         // -1.0f
            0x40, 0, 0, 0                           // 2.0f
        };
        assertArrayEquals(expected, o.toBytes());
    }

    @Test
    void refusesAnUnknownVersionClearly() {
        byte[] b = new MinMaxObserver().toBytes();
        b[0] = 9;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Observer.fromBytes(b));
        assertTrue(e.getMessage().contains("format version 9 is not supported"), e.getMessage());
    }

    @Test
    void refusesMalformedStates() {
        for (Observer o : samples()) {
            byte[] b = o.toBytes();
            for (int cut = 0; cut < b.length; cut += Math.max(1, b.length / 7)) {
                byte[] truncated = Arrays.copyOf(b, cut);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Observer.fromBytes(truncated),
                        o + " truncated to " + cut);
                assertTrue(e.getMessage().contains("malformed") || e.getMessage().contains("truncated"), e.getMessage());
            }
            byte[] longer = Arrays.copyOf(b, b.length + 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Observer.fromBytes(longer));
            assertTrue(e.getMessage().contains("trailing"), e.getMessage());
        }
        byte[] type = new MinMaxObserver().toBytes();
        type[1] = 42;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Observer.fromBytes(type));
        assertTrue(e.getMessage().contains("unknown observer type id 42"), e.getMessage());
    }

    @Test
    void refusesHugeDeclaredSizesWithoutAllocating() {
        // a per-channel state claiming 2^31-1 channels with no data behind it
        byte[] b = new PerChannelMinMaxObserver(0).toBytes();
        byte[] evil = Arrays.copyOf(b, b.length);
        int at = evil.length - 4;
        evil[at] = 0x7F;
        evil[at + 1] = (byte) 0xFF;
        evil[at + 2] = (byte) 0xFF;
        evil[at + 3] = (byte) 0xFF;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Observer.fromBytes(evil));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
}
