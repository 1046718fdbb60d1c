package org.quantlake.core.observe;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quantlake.core.quant.ChannelRange;
import org.quantlake.core.quant.QuantDType;
import org.quantlake.core.quant.QuantSpec;

class HistogramRangeSearchTest {
    private static final QuantSpec U8 = QuantSpec.activationsU8();
    private static final QuantSpec S8 = QuantSpec.perTensor(QuantDType.QINT8, false);

    /** Two-pass histogram of the data, on the default 2048-bin grid. */
    static HistogramObserver histogram(float[] data) {
        MinMaxObserver pass1 = new MinMaxObserver();
        pass1.observe(data, 0, data.length);
        HistogramObserver h = HistogramObserver.onRangeOf(pass1, HistogramGrid.DEFAULT_BINS);
        h.observe(data, 0, data.length);
        return h;
    }

    /**
     * Two million N(0,1) values (or ReLU of them) with two outliers at +60 and two at -60. "A few" matters: an
     * outlier at distance D costs D^2 of L2 error when clipped, while keeping it coarsens the step for every
     * value, costing about N * (2D/255)^2 / 12. Clipping is the L2 optimum only below roughly 5 outliers per
     * million per side; at 10 per 200k the optimum keeps them.
     */
    static float[] gaussianWithOutliers(long seed, boolean relu) {
        Random r = new Random(seed);
        float[] x = new float[2_000_000];
        for (int i = 0; i < x.length; i++) {
            double g = r.nextGaussian();
            x[i] = (float) (relu ? Math.max(0, g) : g);
        }
        for (int i = 0; i < 4; i++) x[r.nextInt(x.length)] = (i % 2 == 0 || relu) ? 60f : -60f;
        return x;
    }

    @ParameterizedTest
    @EnumSource(value = RangeMethod.class, names = {"L2", "KL", "PERCENTILE"})
    void clipsTheOutliersOfAGaussian(RangeMethod m) {
        for (boolean relu : new boolean[] {false, true}) {
            HistogramObserver h = histogram(gaussianWithOutliers(11, relu));
            ChannelRange range = HistogramRangeSearch.choose(h, m, relu ? U8 : S8, 99.99);
            assertEquals(60f, h.max());
            assertTrue(range.max(0) < 10f, m + " kept the outliers: " + range + " (relu=" + relu + ")");
            assertTrue(range.max(0) > 2f, m + " clipped the bulk of the distribution: " + range + " (relu=" + relu + ")");
            if (!relu) assertTrue(range.min(0) < -2f && range.min(0) > -10f, m + " negative side: " + range);
            else assertEquals(0f, range.min(0));
        }
    }

    /** MSE promises the least squared error of the real quantizer: check it against the raw data. */
    @Test
    void mseRangeHasNoMoreRealErrorThanTheFullRange() {
        for (boolean relu : new boolean[] {false, true}) {
            float[] x = gaussianWithOutliers(13, relu);
            HistogramObserver h = histogram(x);
            QuantSpec spec = relu ? U8 : S8;
            ChannelRange chosen = HistogramRangeSearch.mse(h, spec);
            double chosenErr = realMse(x, chosen, spec);
            double fullErr = realMse(x, h.observedRange(), spec);
            assertTrue(chosenErr <= fullErr, "MSE range " + chosen + " err " + chosenErr + " > full range err " + fullErr);
            assertTrue(chosen.max(0) < h.max(), "MSE did not shrink at all: " + chosen);
            // and it beats naive halving of the range too
            ChannelRange half = ChannelRange.perTensor(h.min() / 2, h.max() / 2);
            assertTrue(chosenErr <= realMse(x, half, spec) * 1.05, "MSE range worse than half the range");
        }
    }

    static double realMse(float[] x, ChannelRange range, QuantSpec spec) {
        org.quantlake.core.quant.QParams q = org.quantlake.core.quant.QParamsCalculator.fromRange(range, spec);
        double err = 0;
        for (float v : x) {
            float y = org.quantlake.core.quant.Quantization.dequantize(
                    org.quantlake.core.quant.Quantization.quantize(v, q.scale(), q.zeroPoint(), spec.dtype()), q.scale(), q.zeroPoint());
            err += (v - y) * (double) (v - y);
        }
        return err / x.length;
    }

    @ParameterizedTest
    @EnumSource(RangeMethod.class)
    void keepsTheFullRangeOfUniformData(RangeMethod m) {
        Random r = new Random(5);
        float[] x = new float[200_000];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        HistogramObserver h = histogram(x);
        ChannelRange range = HistogramRangeSearch.choose(h, m, U8, 99.99);
        assertTrue(range.max(0) >= 0.98f * h.max(), m + " shrank a uniform range: " + range);
        assertTrue(range.min(0) <= 0.02f, m + ": " + range);
    }

    @Test
    void minmaxIsTheDataRange() {
        HistogramObserver h = histogram(new float[] {-1.5f, 0.25f, 3f});
        assertEquals(ChannelRange.perTensor(-1.5f, 3f), HistogramRangeSearch.choose(h, RangeMethod.MINMAX, U8, 99.99));
    }

    @Test
    void percentileOfKnownData() {
        // 0..9999 / 1000: the 90th percentile of |x| is about 9.0
        float[] x = new float[10_000];
        for (int i = 0; i < x.length; i++) x[i] = i / 1000f;
        ChannelRange r = HistogramRangeSearch.percentile(histogram(x), 90);
        assertEquals(9.0f, r.max(0), 0.01f);
        assertEquals(0f, r.min(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HistogramRangeSearch.percentile(histogram(x), 0));
        assertTrue(e.getMessage().contains("percentile"));
    }

    @Test
    void allZerosGiveAZeroRange() {
        HistogramObserver h = histogram(new float[1000]);
        for (RangeMethod m : RangeMethod.values()) {
            ChannelRange r = HistogramRangeSearch.choose(h, m, U8, 99.99);
            assertEquals(0f, r.min(0), m.toString());
            assertEquals(0f, r.max(0), m.toString());
        }
    }

    @Test
    void searchesAreDeterministic() {
        HistogramObserver h = histogram(gaussianWithOutliers(3, false));
        for (RangeMethod m : RangeMethod.values()) {
            ChannelRange a = HistogramRangeSearch.choose(h, m, U8, 99.99);
            ChannelRange b = HistogramRangeSearch.choose(HistogramObserver.class.cast(Observer.fromBytes(h.toBytes())), m, U8, 99.99);
            assertEquals(a, b, m.toString());
        }
    }

    @Test
    void emptyHistogramRefusesToChoose() {
        HistogramObserver h = new HistogramObserver(HistogramGrid.covering(0f, 1f, 16));
        h.observe(new float[] {Float.NaN}, 0, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> HistogramRangeSearch.l2(h, U8));
        assertTrue(e.getMessage().contains("no finite values"), e.getMessage());
    }

    @Test
    void gridPutsZeroOnAnEdgeAndCoversTheRange() {
        Random r = new Random(9);
        for (int t = 0; t < 10_000; t++) {
            float lo = (float) (-Math.abs(r.nextGaussian()) * Math.pow(10, r.nextInt(8) - 4));
            float hi = (float) (Math.abs(r.nextGaussian()) * Math.pow(10, r.nextInt(8) - 4));
            if (r.nextInt(4) == 0) lo = 0;
            int bins = 2 + r.nextInt(3000);
            HistogramGrid g = HistogramGrid.covering(lo, hi, bins);
            assertTrue(g.zeroBin() >= 0 && g.zeroBin() <= bins);
            assertTrue(g.rawBin(lo) >= 0 && g.rawBin(lo) < bins, g + " lo " + lo);
            assertTrue(g.rawBin(hi) >= 0 && g.rawBin(hi) < bins, g + " hi " + hi);
            assertEquals(g.zeroBin(), g.rawBin(0f));
            assertEquals(g.zeroBin() - 1, g.rawBin(-Float.MIN_VALUE));
        }
    }
}
