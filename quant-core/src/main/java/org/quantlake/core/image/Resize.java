package org.quantlake.core.image;

/**
 * Separable bilinear resampling with antialiasing: a triangle filter whose support widens by the downscale
 * factor, so shrinking averages all covered pixels instead of sampling two (the approach of PIL's bilinear resize,
 * which torchvision's ImageNet transforms use). Pixel i covers [i, i + 1); centres sit at i + 0.5.
 */
final class Resize {
    private Resize() {}

    static float[] bilinear(float[] src, int channels, int h, int w, int nh, int nw) {
        float[] tmp = new float[channels * h * nw];
        Weights wx = weights(w, nw);
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                int row = (c * h + y) * w;
                int outRow = (c * h + y) * nw;
                for (int x = 0; x < nw; x++) {
                    float s = 0f;
                    for (int k = 0; k < wx.count[x]; k++) s += wx.weight[x][k] * src[row + wx.first[x] + k];
                    tmp[outRow + x] = s;
                }
            }
        }
        float[] out = new float[channels * nh * nw];
        Weights wy = weights(h, nh);
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < nh; y++) {
                int outRow = (c * nh + y) * nw;
                for (int k = 0; k < wy.count[y]; k++) {
                    float wt = wy.weight[y][k];
                    int inRow = (c * h + wy.first[y] + k) * nw;
                    for (int x = 0; x < nw; x++) out[outRow + x] += wt * tmp[inRow + x];
                }
            }
        }
        return out;
    }

    private record Weights(int[] first, int[] count, float[][] weight) {}

    private static Weights weights(int in, int out) {
        double scale = (double) in / out;
        double fs = Math.max(scale, 1.0);
        double support = fs;
        int[] first = new int[out];
        int[] count = new int[out];
        float[][] weight = new float[out][];
        for (int i = 0; i < out; i++) {
            double centre = (i + 0.5) * scale;
            int lo = (int) Math.max(0, Math.floor(centre - support));
            int hi = (int) Math.min(in, Math.ceil(centre + support));
            double[] wts = new double[hi - lo];
            double sum = 0;
            for (int j = lo; j < hi; j++) {
                double t = Math.abs((j + 0.5 - centre) / fs);
                double v = Math.max(0, 1 - t);
                wts[j - lo] = v;
                sum += v;
            }
            first[i] = lo;
            count[i] = hi - lo;
            weight[i] = new float[hi - lo];
            for (int k = 0; k < wts.length; k++) weight[i][k] = (float) (sum > 0 ? wts[k] / sum : 0);
        }
        return new Weights(first, count, weight);
    }
}
