package org.quantlake.core.observe;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.quantlake.core.quant.ChannelRange;
import org.quantlake.core.tensor.FloatTensor;

class ObserverBehaviourTest {

    @Test
    void nanAndInfAreCountedAndNeverPoisonMinMax() {
        MinMaxObserver o = new MinMaxObserver();
        o.observe(FloatTensor.of(1f, Float.NaN, -2f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN));
        assertEquals(ChannelRange.perTensor(-2f, 1f), o.observedRange());
        ValueCounts c = o.counts();
        assertEquals(2, c.finite());
        assertEquals(2, c.nan());
        assertEquals(1, c.posInf());
        assertEquals(1, c.negInf());
    }

    @Test
    void everyObserverSkipsNonFiniteValues() {
        float[] data = {Float.NaN, 3f, Float.POSITIVE_INFINITY, -1f};
        FloatTensor t = new FloatTensor(data, new int[] {1, 4, 1, 1});
        PerChannelMinMaxObserver pc = new PerChannelMinMaxObserver(1);
        pc.observe(t);
        assertEquals(2, pc.counts().finite());
        ChannelRange r = pc.observedRange();
        assertEquals(0f, r.min(0));  // channel 0 saw only NaN: [0, 0]
        assertEquals(3f, r.max(1));
        MeanMinMaxObserver mm = new MeanMinMaxObserver();
        mm.observe(t);
        assertEquals(ChannelRange.perTensor(-1f, 3f), mm.observedRange());
        HistogramObserver h = new HistogramObserver(HistogramGrid.covering(-1f, 3f, 64));
        h.observe(t);
        assertEquals(2, h.counts().finite());
        assertEquals(1, h.counts().nan());
        long total = 0;
        for (long b : h.counts64()) total += b;
        assertEquals(2, total);
    }

    @Test
    void emptyObserversMergeAsIdentityAndRefuseARange() {
        MinMaxObserver a = new MinMaxObserver();
        MinMaxObserver b = new MinMaxObserver();
        b.observe(FloatTensor.of(2f, 5f));
        byte[] before = b.toBytes();
        b.merge(a);
        assertArrayEquals(before, b.toBytes());
        a.merge(b.copy());
        assertArrayEquals(before, a.toBytes());
        MinMaxObserver empty = new MinMaxObserver();
        empty.observe(FloatTensor.of(Float.NaN, Float.NaN));
        IllegalStateException e = assertThrows(IllegalStateException.class, empty::observedRange);
        assertTrue(e.getMessage().contains("no finite values") && e.getMessage().contains("nan=2"), e.getMessage());
    }

    @Test
    void meanMinMaxIsTheMeanOfPerSampleExtremes() {
        MeanMinMaxObserver o = new MeanMinMaxObserver();
        // two samples of 3 values: extremes (-1, 2) and (-3, 10) -> means (-2, 6)
        o.observe(new FloatTensor(new float[] {-1f, 0f, 2f, -3f, 10f, 4f}, new int[] {2, 3}));
        assertEquals(ChannelRange.perTensor(-2f, 6f), o.observedRange());
        assertEquals(2, o.samples());
        assertEquals(-3f, o.min());
        assertEquals(10f, o.max());
    }

    @Test
    void signedZeroExtremesDoNotDependOnOrder() {
        MinMaxObserver a = new MinMaxObserver();
        a.observe(FloatTensor.of(0.0f, -0.0f));
        MinMaxObserver b = new MinMaxObserver();
        b.observe(FloatTensor.of(-0.0f, 0.0f));
        assertArrayEquals(a.toBytes(), b.toBytes());
    }

    @Test
    void mergesRefuseIncompatibleStates() {
        assertThrows(IllegalArgumentException.class, () -> new MinMaxObserver().merge(new MeanMinMaxObserver()));
        PerChannelMinMaxObserver p3 = new PerChannelMinMaxObserver(0, 3);
        PerChannelMinMaxObserver p4 = new PerChannelMinMaxObserver(0, 4);
        p3.observe(new FloatTensor(new float[3], new int[] {3}));
        p4.observe(new FloatTensor(new float[4], new int[] {4}));
        assertThrows(IllegalArgumentException.class, () -> p3.merge(p4));
        assertThrows(IllegalArgumentException.class, () -> new PerChannelMinMaxObserver(0).merge(new PerChannelMinMaxObserver(1)));
        HistogramObserver h1 = new HistogramObserver(HistogramGrid.covering(0f, 1f, 16));
        HistogramObserver h2 = new HistogramObserver(HistogramGrid.covering(0f, 2f, 16));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h1.merge(h2));
        assertTrue(e.getMessage().contains("different grids"), e.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> p3.observe(new FloatTensor(new float[4], new int[] {4})));
        assertTrue(shape.getMessage().contains("3 channels"), shape.getMessage());
    }

    @Test
    void stateSizeDoesNotGrowWithData() {
        java.util.Random r = new java.util.Random(1);
        Observer[] obs = {new MinMaxObserver(), new PerChannelMinMaxObserver(1), new MeanMinMaxObserver(),
                new HistogramObserver(HistogramGrid.covering(-10f, 10f, 2048))};
        int[] first = new int[obs.length];
        for (int round = 0; round < 50; round++) {
            float[] d = new float[4 * 8 * 16];
            for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian() * 3;
            FloatTensor t = new FloatTensor(d, new int[] {4, 8, 4, 4});
            for (int k = 0; k < obs.length; k++) {
                obs[k].observe(t);
                int size = obs[k].toBytes().length;
                if (round == 0) first[k] = size;
                // varint histogram counts may grow by a few bytes per bin at most (10 bytes for any int64)
                int bound = obs[k] instanceof HistogramObserver ? 2048 * 10 + 100 : first[k];
                assertTrue(size <= bound, obs[k].kind() + " grew to " + size + " bytes");
            }
        }
    }
}
