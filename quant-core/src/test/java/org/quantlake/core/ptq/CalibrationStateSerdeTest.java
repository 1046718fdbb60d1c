package org.quantlake.core.ptq;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.testutil.ModelZoo;

/** The calibration state's serial form: both versions round-trip, and damaged bytes are refused with a reason. */
class CalibrationStateSerdeTest {
    static CalibrationState[] states(QConfig cfg) {
        Graph g = ModelZoo.resnet18(32, 1);
        Calibrator c = new PostTrainingQuantizer(g, cfg).calibrator();
        CalibrationState r = c.newRangeState();
        c.observe(r, ModelZoo.randomImages(2, 32, 5), 2);
        CalibrationState h = c.newSecondPassState(r);
        c.observe(h, ModelZoo.randomImages(2, 32, 5), 2);
        return new CalibrationState[] {r, h};
    }

    @Test
    void bothVersionsRoundTrip() {
        CalibrationState[] plain = states(QConfig.defaults().withMethod(CalibrationMethod.HISTOGRAM_L2));
        CalibrationState[] gptq = states(QConfig.defaults().withMethod(CalibrationMethod.HISTOGRAM_L2).withWeightRounding(WeightRounding.GPTQ));
        for (CalibrationState s : List.of(plain[0], plain[1], gptq[1])) {
            assertArrayEquals(s.toBytes(), CalibrationState.fromBytes(s.toBytes()).toBytes());
        }
        assertEquals(1, plain[1].toBytes()[4], "no Gram matrices: version 1, as earlier builds wrote");
        assertEquals(2, gptq[1].toBytes()[4], "with Gram matrices: version 2");
        // ResNet-18's 20 convs and its Gemm, less the three 512->512 3x3 convs: 4,608 inputs per channel exceed
        // InputGram.MAX_K (their Gram states would be 85 MB each), so they round to nearest
        assertEquals(18, gptq[1].grams().size(), "Gram matrices: " + gptq[1].grams().keySet());
        assertEquals(gptq[1].grams().keySet(), CalibrationState.fromBytes(gptq[1].toBytes()).grams().keySet());
    }

    @Test
    void damagedBytesAreRefusedWithAReason() {
        byte[] b = states(QConfig.defaults().withWeightRounding(WeightRounding.GPTQ))[1].toBytes();
        for (int cut : new int[] {3, 10, b.length / 2, b.length - 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CalibrationState.fromBytes(Arrays.copyOf(b, cut)));
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("magic"), cut + ": " + e.getMessage());
        }
        byte[] v = b.clone();
        v[4] = 3;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CalibrationState.fromBytes(v)).getMessage().contains("version 3"));
        byte[] trailing = Arrays.copyOf(b, b.length + 2);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CalibrationState.fromBytes(trailing)).getMessage().contains("trailing"));
        byte[] magic = b.clone();
        magic[0] = 'X';
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CalibrationState.fromBytes(magic)).getMessage().contains("magic"));
    }
}
