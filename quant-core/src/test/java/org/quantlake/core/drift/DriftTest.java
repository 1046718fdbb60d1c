package org.quantlake.core.drift;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DriftTest {

    @Test
    void identicalOutputsHaveNoDrift() {
        float[] v = {0.1f, 2f, -1f};
        RowDrift d = RowDrift.of(v, 0, v.clone(), 0, 3);
        assertTrue(d.agree());
        assertEquals(1, d.top1Fp32());
        assertEquals(0.0, d.meanAbsDiff());
        assertEquals(1.0, d.cosine(), 1e-12);
        assertEquals(0.0, d.kl(), 1e-12);
    }

    @Test
    void knownAnswers() {
        float[] a = {1f, 0f};
        float[] b = {0f, 1f};
        RowDrift d = RowDrift.of(a, 0, b, 0, 2);
        assertFalse(d.agree());
        assertEquals(1.0, d.meanAbsDiff(), 1e-12);
        assertEquals(0.0, d.cosine(), 1e-12);
        // a and b are both probability vectors: KL(a || b) with b clamped to 1e-12 = ln(1e12)
        assertEquals(Math.log(1e12), d.kl(), 1e-9);
        // logits: softmax is applied
        float[] la = {2f, 1f, 0f};
        float[] lb = {1f, 2f, 0f};
        double[] p = RowDrift.probabilities(la, 0, 3);
        double[] q = RowDrift.probabilities(lb, 0, 3);
        double kl = 0;
        for (int k = 0; k < 3; k++) kl += p[k] * Math.log(p[k] / q[k]);
        assertEquals(kl, RowDrift.of(la, 0, lb, 0, 3).kl(), 1e-12);
    }

    @Test
    void topKIsOrderedAndDeterministicOnTies() {
        float[] v = {3f, 5f, 5f, 1f, 4f};
        assertArrayEquals(new int[] {1, 2, 4}, TopK.indices(v, 0, 5, 3));
        assertArrayEquals(new int[] {1, 2, 4, 0, 3}, TopK.indices(v, 0, 5, 9));
        assertEquals(1, TopK.argmax(v, 0, 5));
    }

    @Test
    void summariesMergeByAddition() {
        DriftSummary a = new DriftSummary();
        DriftSummary b = new DriftSummary();
        a.add(RowDrift.of(new float[] {1, 0}, 0, new float[] {1, 0}, 0, 2), 0);
        b.add(RowDrift.of(new float[] {1, 0}, 0, new float[] {0, 1}, 0, 2), 0);
        b.add(RowDrift.of(new float[] {0, 1}, 0, new float[] {0, 1}, 0, 2), -1);
        DriftSummary all = new DriftSummary().merge(a).merge(b);
        assertEquals(3, all.rows());
        assertEquals(1, all.flipped());
        assertEquals(2.0 / 3, all.agreement(), 1e-12);
        assertEquals(2, all.labelled());
        assertEquals(1.0, all.accuracyFp32(), 1e-12);
        assertEquals(0.5, all.accuracyInt8(), 1e-12);
        assertTrue(Double.isNaN(new DriftSummary().agreement()));
    }
}
