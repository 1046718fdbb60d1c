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

    /** Rows with varied drift (including a NaN row and labels), for the split-and-merge checks. */
    private static java.util.List<RowDrift> rows(long seed, int n) {
        java.util.Random r = new java.util.Random(seed);
        java.util.List<RowDrift> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] a = new float[10];
            float[] b = new float[10];
            for (int k = 0; k < 10; k++) {
                a[k] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
                b[k] = a[k] + (float) (r.nextGaussian() * 1e-2);
            }
            out.add(RowDrift.of(a, 0, b, 0, 10));
        }
        return out;
    }

    @Test
    void anySplitAndMergeOrderGivesTheSameBytesAsOneLoop() {
        java.util.List<RowDrift> rows = rows(7, 500);
        DriftSummary whole = new DriftSummary();
        for (int i = 0; i < rows.size(); i++) whole.add(rows.get(i), i % 3 == 0 ? -1 : i % 10);
        java.util.Random r = new java.util.Random(11);
        for (int trial = 0; trial < 20; trial++) {
            int pieces = 1 + r.nextInt(40);
            DriftSummary[] parts = new DriftSummary[pieces];
            for (int p = 0; p < pieces; p++) parts[p] = new DriftSummary();
            // rows go to random pieces in a random order; some pieces stay empty
            java.util.List<Integer> order = new java.util.ArrayList<>();
            for (int i = 0; i < rows.size(); i++) order.add(i);
            java.util.Collections.shuffle(order, r);
            for (int i : order) parts[r.nextInt(pieces)].add(rows.get(i), i % 3 == 0 ? -1 : i % 10);
            java.util.List<DriftSummary> list = new java.util.ArrayList<>(java.util.Arrays.asList(parts));
            java.util.Collections.shuffle(list, r);
            DriftSummary merged = new DriftSummary();
            for (DriftSummary p : list) merged.merge(DriftSummary.fromBytes(p.toBytes()));
            assertArrayEquals(whole.toBytes(), merged.toBytes(), "trial " + trial);
            assertEquals(whole.meanKl(), merged.meanKl());
            assertEquals(whole.meanCosine(), merged.meanCosine());
            assertEquals(whole.meanAbsDiff(), merged.meanAbsDiff());
        }
    }

    @Test
    void meansAreTheExactMeansRoundedOnce() {
        // 0.1 + 0.2 + 0.3 in doubles is 0.6000000000000001; the exact sum of those three doubles, divided by 3,
        // rounds to 0.2 (what a double loop would only get by luck)
        DriftSummary s = new DriftSummary();
        for (double v : new double[] {0.1, 0.2, 0.3}) s.add(new RowDrift(0, 0, true, v, 1.0, 0.0), -1);
        assertEquals(new java.math.BigDecimal(0.1).add(new java.math.BigDecimal(0.2)).add(new java.math.BigDecimal(0.3))
                .divide(java.math.BigDecimal.valueOf(3), java.math.MathContext.DECIMAL128).doubleValue(), s.meanAbsDiff());
        assertEquals(1.0, s.meanCosine());
        assertEquals(0.0, s.meanKl());
    }

    @Test
    void nonFiniteMeasuresPoisonTheirMeanInAnyOrder() {
        DriftSummary a = new DriftSummary();
        a.add(new RowDrift(0, 0, true, Double.POSITIVE_INFINITY, Double.NaN, 1.0), -1);
        DriftSummary b = new DriftSummary();
        b.add(new RowDrift(0, 1, false, 2.0, 0.5, 1.0), 1);
        assertEquals(Double.POSITIVE_INFINITY, new DriftSummary().merge(a).merge(b).meanAbsDiff());
        assertTrue(Double.isNaN(new DriftSummary().merge(b).merge(a).meanCosine()));
        assertEquals(1.0, new DriftSummary().merge(b).merge(a).meanKl());
        assertArrayEquals(new DriftSummary().merge(a).merge(b).toBytes(), new DriftSummary().merge(b).merge(a).toBytes());
    }

    @Test
    void serialFormRoundTripsAndRefusesForeignBytes() {
        DriftSummary empty = new DriftSummary();
        DriftSummary back = DriftSummary.fromBytes(empty.toBytes());
        assertEquals(0, back.rows());
        assertTrue(Double.isNaN(back.meanKl()));
        assertEquals(empty, back);

        byte[] bytes = new DriftSummary().merge(empty).toBytes();
        byte[] wrongVersion = bytes.clone();
        wrongVersion[4] = 9;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DriftSummary.fromBytes(wrongVersion));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DriftSummary.fromBytes(java.util.Arrays.copyOf(bytes, bytes.length - 3)));
        assertThrows(IllegalArgumentException.class, () -> DriftSummary.fromBytes("nope".getBytes()));
    }
}
