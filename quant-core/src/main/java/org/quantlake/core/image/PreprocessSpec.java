package org.quantlake.core.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * How an image becomes a model input: resize so the shorter side is {@code resizeShorter} (antialiased bilinear;
 * 0 = no resize), centre-crop to {@code cropHeight x cropWidth} (0 = no crop), order channels, then per channel
 * {@code (pixel * scale - mean[c]) / std[c]} with pixels in [0, 255], laid out NCHW or NHWC.
 *
 * <p>Examples: the shared SqueezeNet 1.1 (Caffe2) takes BGR, scale 1, mean (104, 117, 123), std 1; torchvision
 * models take RGB, scale 1/255, mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225).
 */
public record PreprocessSpec(int resizeShorter, int cropHeight, int cropWidth, ChannelOrder order, float scale,
                             float[] mean, float[] std, Layout layout) {

    public enum ChannelOrder { RGB, BGR, GRAY }

    public enum Layout { NCHW, NHWC }

    public PreprocessSpec {
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(layout, "layout");
        int ch = order == ChannelOrder.GRAY ? 1 : 3;
        if (mean.length != ch || std.length != ch) {
            throw new IllegalArgumentException("mean and std need " + ch + " values for " + order + ", got " + mean.length + " and " + std.length);
        }
        for (float s : std) if (!(s > 0)) throw new IllegalArgumentException("std must be > 0, got " + Arrays.toString(std));
        if (resizeShorter < 0 || cropHeight < 0 || cropWidth < 0) throw new IllegalArgumentException("sizes must be >= 0");
        if ((cropHeight == 0) != (cropWidth == 0)) throw new IllegalArgumentException("give both crop sizes or neither");
        mean = mean.clone();
        std = std.clone();
    }

    public int channels() {
        return order == ChannelOrder.GRAY ? 1 : 3;
    }

    /** The standard ImageNet evaluation transform for Caffe2-style BGR models such as the shared SqueezeNet 1.1. */
    public static PreprocessSpec imagenetCaffeBgr() {
        return new PreprocessSpec(256, 224, 224, ChannelOrder.BGR, 1f, new float[] {104f, 117f, 123f}, new float[] {1f, 1f, 1f}, Layout.NCHW);
    }

    /** The standard ImageNet evaluation transform for torchvision models. */
    public static PreprocessSpec imagenetTorchvision() {
        return new PreprocessSpec(256, 224, 224, ChannelOrder.RGB, 1f / 255f, new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f}, Layout.NCHW);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreprocessSpec p && p.resizeShorter == resizeShorter && p.cropHeight == cropHeight && p.cropWidth == cropWidth
                && p.order == order && p.scale == scale && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std) && p.layout == layout;
    }

    @Override
    public int hashCode() {
        return Objects.hash(resizeShorter, cropHeight, cropWidth, order, scale, Arrays.hashCode(mean), Arrays.hashCode(std), layout);
    }

    @Override
    public String toString() {
        return "resize " + resizeShorter + ", crop " + cropHeight + "x" + cropWidth + ", " + order + ", scale " + scale
                + ", mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + ", " + layout;
    }
}
