package org.quantlake.spark.demo;

/**
 * A linear classifier head fitted by ridge regression on one-hot targets, in double precision: the closed form
 * {@code W = (Z'Z + lambda I)^-1 Z'(T - mean T)} on standardised features Z, solved by Cholesky, then folded back to
 * the raw features and scaled by {@link #LOGIT_SCALE}, so the head is one ONNX Gemm ({@code logits = x W' + b}).
 *
 * <p>Standardising first makes one fixed lambda mean the same thing for every feature whatever its scale; features
 * that never vary (dead ReLUs) get weight 0 instead of a singular system.
 */
public final class RidgeHead {
    /** Ridge strength per training row, relative to standardised features (whose Z'Z diagonal is about n). */
    static final double LAMBDA_PER_ROW = 1e-3;
    /**
     * The fitted scores estimate 0/1 targets, so their softmax would be nearly uniform and every probability-based
     * drift figure (KL) meaningless; scaled by 10, a score gap of 0.5 is a 150:1 odds ratio, like a trained
     * classifier's logits. Scaling changes no prediction.
     */
    static final double LOGIT_SCALE = 10.0;

    private final float[] weights;  // [features x classes], row-major (Gemm's B with transB = 0)
    private final float[] bias;     // [classes]
    private final int features;
    private final int classes;

    private RidgeHead(float[] weights, float[] bias, int features, int classes) {
        this.weights = weights;
        this.bias = bias;
        this.features = features;
        this.classes = classes;
    }

    public float[] weights() { return weights.clone(); }

    public float[] bias() { return bias.clone(); }

    public int features() { return features; }

    public int classes() { return classes; }

    /**
     * Fits the head.
     *
     * @param x      n rows of {@code d} features, row-major
     * @param labels n class indices in [0, classes)
     */
    public static RidgeHead fit(float[] x, int[] labels, int d, int classes) {
        int n = labels.length;
        if (n < 2 || x.length != (long) n * d) {
            throw new IllegalArgumentException("ridge needs >= 2 rows of " + d + " features; got " + x.length
                    + " values for " + n + " labels");
        }
        double[] mean = new double[d];
        double[] sd = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double c = x[i * d + j] - mean[j];
                sd[j] += c * c;
            }
        }
        for (int j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j] / n);
        double[] tMean = new double[classes];
        for (int label : labels) {
            if (label < 0 || label >= classes) throw new IllegalArgumentException("label " + label + " not in [0, " + classes + ")");
            tMean[label] += 1.0 / n;
        }

        // Normal equations on standardised features: A = Z'Z + lambda I (d x d), R = Z'(T - mean T) (d x classes).
        double[] a = new double[d * d];
        double[] rhs = new double[d * classes];
        double[] z = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) z[j] = sd[j] > 1e-12 ? (x[i * d + j] - mean[j]) / sd[j] : 0.0;
            for (int j = 0; j < d; j++) {
                double zj = z[j];
                if (zj == 0.0) continue;
                int row = j * d;
                for (int k = 0; k <= j; k++) a[row + k] += zj * z[k];
                for (int c = 0; c < classes; c++) rhs[j * classes + c] += zj * ((labels[i] == c ? 1.0 : 0.0) - tMean[c]);
            }
        }
        double lambda = LAMBDA_PER_ROW * n;
        for (int j = 0; j < d; j++) {
            for (int k = 0; k < j; k++) a[k * d + j] = a[j * d + k];
            a[j * d + j] += lambda;
        }
        double[] w = solveCholesky(a, rhs, d, classes);

        // Back to raw features: logits = scale * (sum_j (x_j - mean_j) / sd_j * w_jc + mean T_c).
        float[] weights = new float[d * classes];
        float[] bias = new float[classes];
        for (int c = 0; c < classes; c++) {
            double b = LOGIT_SCALE * tMean[c];
            for (int j = 0; j < d; j++) {
                double wj = sd[j] > 1e-12 ? LOGIT_SCALE * w[j * classes + c] / sd[j] : 0.0;
                weights[j * classes + c] = (float) wj;
                b -= mean[j] * wj;
            }
            bias[c] = (float) b;
        }
        return new RidgeHead(weights, bias, d, classes);
    }

    /** Solves A X = B for symmetric positive definite A (d x d) and B (d x m), in place of copies. */
    static double[] solveCholesky(double[] a, double[] b, int d, int m) {
        double[] l = a.clone();
        for (int j = 0; j < d; j++) {
            double s = l[j * d + j];
            for (int k = 0; k < j; k++) s -= l[j * d + k] * l[j * d + k];
            if (!(s > 0)) throw new IllegalStateException("ridge system not positive definite at column " + j);
            double ljj = Math.sqrt(s);
            l[j * d + j] = ljj;
            for (int i = j + 1; i < d; i++) {
                double t = l[i * d + j];
                for (int k = 0; k < j; k++) t -= l[i * d + k] * l[j * d + k];
                l[i * d + j] = t / ljj;
            }
        }
        double[] x = b.clone();
        for (int c = 0; c < m; c++) {
            for (int i = 0; i < d; i++) {          // L y = b
                double t = x[i * m + c];
                for (int k = 0; k < i; k++) t -= l[i * d + k] * x[k * m + c];
                x[i * m + c] = t / l[i * d + i];
            }
            for (int i = d - 1; i >= 0; i--) {     // L' x = y
                double t = x[i * m + c];
                for (int k = i + 1; k < d; k++) t -= l[k * d + i] * x[k * m + c];
                x[i * m + c] = t / l[i * d + i];
            }
        }
        return x;
    }

    /** The index of the largest logit of each row of {@code x} (for checking the fit). */
    public int[] predict(float[] x) {
        int n = x.length / features;
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestV = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double v = bias[c];
                for (int j = 0; j < features; j++) v += x[i * features + j] * weights[j * classes + c];
                if (v > bestV) {
                    bestV = v;
                    best = c;
                }
            }
            p[i] = best;
        }
        return p;
    }
}
