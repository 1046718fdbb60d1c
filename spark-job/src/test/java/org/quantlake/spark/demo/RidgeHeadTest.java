package org.quantlake.spark.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ridge head's solver and fit on problems whose answers are known. */
class RidgeHeadTest {
    @Test
    void choleskySolvesASymmetricPositiveDefiniteSystem() {
        int d = 37, m = 3;
        Random r = new Random(3);
        double[] g = new double[d * d];
        for (int i = 0; i < g.length; i++) g[i] = r.nextGaussian();
        double[] a = new double[d * d];  // G G' + I
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double s = i == j ? 1 : 0;
                for (int k = 0; k < d; k++) s += g[i * d + k] * g[j * d + k];
                a[i * d + j] = s;
            }
        }
        double[] x = new double[d * m];
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        double[] b = new double[d * m];
        for (int i = 0; i < d; i++) for (int c = 0; c < m; c++) for (int k = 0; k < d; k++) b[i * m + c] += a[i * d + k] * x[k * m + c];
        assertArrayEquals(x, RidgeHead.solveCholesky(a, b, d, m), 1e-8);
        double[] notPd = {1, 2, 2, 1};
        assertThrows(IllegalStateException.class, () -> RidgeHead.solveCholesky(notPd, new double[] {1, 1}, 2, 1));
    }

    @Test
    void separatesLinearlySeparableClassesWithAConstantFeature() {
        // Class c has feature c near 1 and the others near 0; feature 3 is constant (a dead ReLU) and must get weight 0.
        int n = 300, d = 4, classes = 3;
        Random r = new Random(5);
        float[] x = new float[n * d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            for (int j = 0; j < classes; j++) x[i * d + j] = (float) ((j == labels[i] ? 1 : 0) + 0.1 * r.nextGaussian());
            x[i * d + 3] = 2.5f;
        }
        RidgeHead h = RidgeHead.fit(x, labels, d, classes);
        assertArrayEquals(labels, h.predict(x));
        for (int c = 0; c < classes; c++) assertEquals(0f, h.weights()[3 * classes + c]);
        assertThrows(IllegalArgumentException.class, () -> RidgeHead.fit(x, new int[] {0, 9}, d, classes));
    }
}
