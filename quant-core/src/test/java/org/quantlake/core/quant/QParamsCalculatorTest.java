package org.quantlake.core.quant;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QParamsCalculatorTest {
    private static final QuantSpec U8 = QuantSpec.perTensor(QuantDType.QUINT8, false);
    private static final QuantSpec U8_SYM = QuantSpec.perTensor(QuantDType.QUINT8, true);
    private static final QuantSpec S8 = QuantSpec.perTensor(QuantDType.QINT8, false);
    private static final QuantSpec S8_SYM = QuantSpec.perTensor(QuantDType.QINT8, true);

    @Test
    void affineUint8KnownAnswer() {
        QParams q = QParamsCalculator.perTensor(-1f, 3f, U8);
        assertEquals(4f / 255f, q.scale());
        assertEquals(64, q.zeroPoint());  // 0 - round(-1 / (4/255)) = round(63.75) = 64
    }

    @Test
    void rangeAlwaysIncludesZero() {
        QParams pos = QParamsCalculator.perTensor(2f, 6f, U8);
        assertEquals(6f / 255f, pos.scale());
        assertEquals(0, pos.zeroPoint());
        QParams neg = QParamsCalculator.perTensor(-6f, -2f, U8);
        assertEquals(6f / 255f, neg.scale());
        assertEquals(255, neg.zeroPoint());
        assertEquals(0, Quantization.quantize(0f, pos.scale(), pos.zeroPoint(), QuantDType.QUINT8));
        assertEquals(0f, Quantization.dequantize(neg.zeroPoint(), neg.scale(), neg.zeroPoint()));
    }

    @Test
    void symmetricZeroPoints() {
        QParams s8 = QParamsCalculator.perTensor(-1f, 3f, S8_SYM);
        assertEquals(3f / 127.5f, s8.scale());
        assertEquals(0, s8.zeroPoint());
        QParams u8 = QParamsCalculator.perTensor(-1f, 3f, U8_SYM);
        assertEquals(3f / 127.5f, u8.scale());
        assertEquals(128, u8.zeroPoint());
        QParams u8r = QParamsCalculator.perTensor(-1f, 3f, U8_SYM.withReduceRange(true));
        assertEquals(64, u8r.zeroPoint());
        assertEquals(3f / 63.5f, u8r.scale());
    }

    @Test
    void narrowRangeSymmetricInt8UsesAbsmaxOver127() {
        QuantSpec w = new QuantSpec(QuantDType.QINT8, QScheme.PER_TENSOR_SYMMETRIC, -1, false, true);
        assertEquals(-127, w.quantMin());
        QParams q = QParamsCalculator.perTensor(-2.54f, 1f, w);
        assertEquals(2.54f / 127f, q.scale());
        assertEquals(0, q.zeroPoint());
        assertEquals(-127, Quantization.quantize(-2.54f, q.scale(), 0, QuantDType.QINT8));
        assertEquals(127, Quantization.quantize(2.54f, q.scale(), 0, QuantDType.QINT8));
    }

    @Test
    void reduceRangeUsesSevenBits() {
        QParams u = QParamsCalculator.perTensor(0f, 127f, U8.withReduceRange(true));
        assertEquals(1f, u.scale());
        assertEquals(0, u.zeroPoint());
        QParams s = QParamsCalculator.perTensor(-64f, 63f, S8.withReduceRange(true));
        assertEquals(1f, s.scale());
        assertEquals(0, s.zeroPoint());
        assertEquals(0, QuantDType.QUINT8.qmin(true));
        assertEquals(127, QuantDType.QUINT8.qmax(true));
        assertEquals(-64, QuantDType.QINT8.qmin(true));
        assertEquals(63, QuantDType.QINT8.qmax(true));
        assertEquals(Integer.MAX_VALUE, QuantDType.QINT32.qmax(true));
    }

    @Test
    void degenerateRangesYieldEpsilonNeverNanOrInfinity() {
        for (QuantSpec spec : List.of(U8, U8_SYM, S8, S8_SYM, U8.withReduceRange(true))) {
            QParams zero = QParamsCalculator.perTensor(0f, 0f, spec);
            assertEquals(QParamsCalculator.EPS, zero.scale(), spec.toString());
            QParams tiny = QParamsCalculator.perTensor(1e-30f, 1e-30f, spec);
            assertEquals(QParamsCalculator.EPS, tiny.scale(), spec.toString());
            QParams same = QParamsCalculator.perTensor(5f, 5f, spec);  // widened to [0, 5]
            assertTrue(same.scale() > 0 && Float.isFinite(same.scale()));
        }
        QParams z = QParamsCalculator.perTensor(0f, 0f, U8);
        assertEquals(0, z.zeroPoint());
        assertEquals(0f, Quantization.dequantize(Quantization.quantize(0f, z.scale(), z.zeroPoint(), QuantDType.QUINT8), z.scale(), z.zeroPoint()));
    }

    @Test
    void refusesNonFiniteOrInvertedRanges() {
        assertThrows(IllegalArgumentException.class, () -> QParamsCalculator.perTensor(Float.NaN, 1f, U8));
        assertThrows(IllegalArgumentException.class, () -> QParamsCalculator.perTensor(0f, Float.POSITIVE_INFINITY, U8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QParamsCalculator.perTensor(2f, 1f, U8));
        assertTrue(e.getMessage().contains("min > max"), e.getMessage());
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> QParamsCalculator.perTensor(-Float.MAX_VALUE, Float.MAX_VALUE, U8));
        assertTrue(wide.getMessage().contains("too wide"), wide.getMessage());
    }

    @Test
    void perChannelAppliesTheRulePerChannel() {
        QuantSpec spec = QuantSpec.weightsPerChannel(0);
        QParams q = QParamsCalculator.perChannel(new float[] {-1f, 0f, -0.5f}, new float[] {0.5f, 0f, 2f}, spec);
        assertEquals(3, q.channels());
        assertEquals(0, q.axis());
        assertEquals(1f / 127f, q.scale(0));
        assertEquals(QParamsCalculator.EPS, q.scale(1));
        assertEquals(2f / 127f, q.scale(2));
        for (int c = 0; c < 3; c++) assertEquals(0, q.zeroPoint(c));
        QParams affine = QParamsCalculator.perChannel(new float[] {-1f, 0f}, new float[] {3f, 2f},
                new QuantSpec(QuantDType.QUINT8, QScheme.PER_CHANNEL_AFFINE, 1, false, false));
        assertEquals(64, affine.zeroPoint(0));
        assertEquals(0, affine.zeroPoint(1));
    }

    @Test
    void specValidation() {
        assertThrows(IllegalArgumentException.class, () -> new QuantSpec(QuantDType.QINT8, QScheme.PER_CHANNEL_SYMMETRIC, -1, false, false));
        assertThrows(IllegalArgumentException.class, () -> new QuantSpec(QuantDType.QINT8, QScheme.PER_TENSOR_SYMMETRIC, 0, false, false));
        assertThrows(IllegalArgumentException.class, () -> new QuantSpec(QuantDType.QUINT8, QScheme.PER_TENSOR_SYMMETRIC, -1, false, true));
        assertThrows(IllegalArgumentException.class, () -> QParamsCalculator.perTensor(0f, 1f, QuantSpec.weightsPerChannel(0)));
    }

    /**
     * Bit-for-bit against PyTorch's observers ({@code MinMaxObserver} / {@code PerChannelMinMaxObserver}
     * .calculate_qparams) on random and edge-case ranges. The golden file was written by
     * scripts/reference/torch_qparams_golden.py.
     */
    @Test
    void matchesPyTorchBitForBit() throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/golden/torch_qparams.csv"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.startsWith("min")) continue;
                rows.add(line.split(","));
            }
        }
        assertTrue(rows.size() >= 500, "golden file has only " + rows.size() + " rows");
        for (String[] f : rows) {
            float min = Float.intBitsToFloat(Integer.parseUnsignedInt(f[0], 16));
            float max = Float.intBitsToFloat(Integer.parseUnsignedInt(f[1], 16));
            QuantDType dtype = QuantDType.valueOf(f[2]);
            boolean symmetric = f[3].equals("symmetric");
            boolean reduce = Boolean.parseBoolean(f[4]);
            float scale = Float.intBitsToFloat(Integer.parseUnsignedInt(f[5], 16));
            int zp = Integer.parseInt(f[6]);
            QParams q = QParamsCalculator.perTensor(min, max, QuantSpec.perTensor(dtype, symmetric).withReduceRange(reduce));
            String what = String.join(",", f) + " (min=" + min + " max=" + max + ")";
            assertEquals(Float.floatToRawIntBits(scale), Float.floatToRawIntBits(q.scale()), "scale for " + what + ": got " + q.scale() + " want " + scale);
            assertEquals(zp, q.zeroPoint(), "zero point for " + what);
        }
    }
}
