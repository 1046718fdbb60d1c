package org.quantlake.core.observe;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The GPTQ input Gram matrix as a mergeable summary: split-and-merge against the whole, serial form, refusals. */
class InputGramTest {
    /** Random columns on the grid of {@code g}, transposed (element a of column j at a * count + j). */
    static int[] columns(InputGram g, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] c = new int[g.columnLength() * count];
        for (int i = 0; i < c.length; i++) c[i] = g.gridValue((float) (r.nextGaussian() * 3 + (i % 7 == 0 ? 50 : 0)));
        return c;
    }

    static int[] slice(int[] cols, int k, int count, int from, int to) {
        int[] s = new int[k * (to - from)];
        for (int a = 0; a < k; a++) System.arraycopy(cols, a * count + from, s, a * (to - from), to - from);
        return s;
    }

    @Test
    void anySplitMergedInAnyOrderEqualsTheWhole() {
        int k = 37;
        float step = InputGram.stepFor(-60f, 90f);
        InputGram whole = new InputGram(k, step);
        int count = 100;
        int[] cols = columns(whole, count, 7);
        whole.add(cols, count, count);
        int[] cuts = {0, 1, 30, 31, 77, 100};
        InputGram[] parts = new InputGram[cuts.length - 1];
        for (int p = 0; p < parts.length; p++) {
            parts[p] = new InputGram(k, step);
            int n = cuts[p + 1] - cuts[p];
            parts[p].add(slice(cols, k, count, cuts[p], cuts[p + 1]), n, n);
        }
        InputGram leftFold = parts[0].copy();
        for (int p = 1; p < parts.length; p++) leftFold.merge(parts[p]);
        InputGram tree = parts[4].copy().merge(parts[2]).merge(parts[3].copy().merge(parts[0]).merge(parts[1]));
        assertArrayEquals(whole.toBytes(), leftFold.toBytes());
        assertArrayEquals(whole.toBytes(), tree.toBytes());
        assertEquals(100, tree.columns());
        // an empty part is the identity
        assertArrayEquals(whole.toBytes(), whole.copy().merge(new InputGram(k, step)).toBytes());
    }

    @Test
    void matrixIsTheGramOfTheGridValues() {
        InputGram g = new InputGram(3, 0.5f);
        // columns (1, -2, 0.25) and (3, 0, -1) in real units, transposed into rows of 2
        int[] cols = {g.gridValue(1f), g.gridValue(3f), g.gridValue(-2f), g.gridValue(0f), g.gridValue(0.25f), g.gridValue(-1f)};
        g.add(cols, 2, 2);
        double[][] h = g.toMatrix();
        // 0.25 is half a grid step and rounds to even (0): the matrix is the grid's, not the raw values'
        double[][] want = {{1 + 9, -2, -3}, {-2, 4, 0}, {-3, 0, 1}};
        for (int a = 0; a < 3; a++) assertArrayEquals(want[a], h[a], 1e-12, "row " + a);
    }

    @Test
    void gridSaturatesAndIgnoresNaN() {
        InputGram g = new InputGram(1, InputGram.stepFor(-1f, 2f));
        assertEquals(255, g.gridValue(2f));
        assertEquals(255, g.gridValue(1e9f));
        assertEquals(-255, g.gridValue(Float.NEGATIVE_INFINITY));
        assertEquals(0, g.gridValue(Float.NaN));
        assertEquals(0, new InputGram(1, 0f).gridValue(5f), "a zero step (all-zero input) puts everything at 0");
    }

    @Test
    void serialFormRoundTripsAndRefusesDamage() {
        InputGram g = new InputGram(5, 0.125f);
        g.add(columns(g, 9, 3), 9, 9);
        byte[] b = g.toBytes();
        assertEquals(1 + 4 + 4 + 8 + 15 * 8, b.length, "documented layout: header + k(k+1)/2 int64");
        assertEquals(g, InputGram.fromBytes(b));
        assertArrayEquals(b, InputGram.fromBytes(b).toBytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputGram.fromBytes(Arrays.copyOf(b, b.length - 3)));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        byte[] v = b.clone();
        v[0] = 9;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> InputGram.fromBytes(v)).getMessage().contains("version 9"));
        byte[] huge = b.clone();
        huge[1] = 0x7f;  // k = 2^30-ish
        assertTrue(assertThrows(IllegalArgumentException.class, () -> InputGram.fromBytes(huge)).getMessage().contains("column length"));
        byte[] trailing = Arrays.copyOf(b, b.length + 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> InputGram.fromBytes(trailing)).getMessage().contains("trailing"));
    }

    @Test
    void refusesToMergeDifferentLayersOrGrids() {
        InputGram a = new InputGram(4, 0.5f);
        assertThrows(IllegalArgumentException.class, () -> a.merge(new InputGram(5, 0.5f)));
        assertThrows(IllegalArgumentException.class, () -> a.merge(new InputGram(4, 0.25f)));
        assertThrows(IllegalArgumentException.class, () -> new InputGram(0, 1f));
        assertThrows(IllegalArgumentException.class, () -> new InputGram(InputGram.MAX_K + 1, 1f));
        assertThrows(IllegalArgumentException.class, () -> new InputGram(3, Float.NaN));
    }

    @Test
    void overflowIsAnErrorNotAWrapAround() {
        InputGram a = new InputGram(1, 1f);
        int per = InputGram.maxColumnsPerCall();
        int[] max = new int[per];
        Arrays.fill(max, 255);
        a.add(max, per, per);
        InputGram big = a.copy();
        // doubling 64 times would wrap a long; merging must refuse long before
        assertThrows(IllegalStateException.class, () -> {
            for (int i = 0; i < 64; i++) big.merge(big.copy());
        });
    }
}
