package org.quantlake.spark.config;

import java.io.Serializable;
import java.util.List;
import org.quantlake.core.image.PreprocessSpec;

/**
 * Image inputs ({@code input.images}): which files, how they become tensors, where labels come from.
 * Keeps the preprocessing as plain fields because quant-core's {@link PreprocessSpec} is not serializable;
 * {@link #preprocessSpec()} builds it where it is needed (on executors).
 *
 * @param perPartition  files per Spark partition when {@code input.partitions} is 0
 * @param labelPattern  regex whose group 1 is a class name (null: unlabelled)
 * @param classIndex    file whose line i names class i (first token); required with a label pattern
 */
public record ImageSpec(String glob, int perPartition, int resizeShorter, int cropHeight,
                        int cropWidth, PreprocessSpec.ChannelOrder order, float scale, List<Float> mean,
                        List<Float> std, PreprocessSpec.Layout layout, String labelPattern, String classIndex)
        implements Serializable {

    public ImageSpec {
        mean = List.copyOf(mean);
        std = List.copyOf(std);
    }

    /** The spec of a preset name ({@code imagenet-caffe-bgr}, {@code imagenet-torchvision}), or null if unknown. */
    static PreprocessSpec preset(String name) {
        return switch (name) {
            case "imagenet-caffe-bgr" -> PreprocessSpec.imagenetCaffeBgr();
            case "imagenet-torchvision" -> PreprocessSpec.imagenetTorchvision();
            default -> null;
        };
    }

    /** quant-core's preprocessing spec (validated when the config is loaded, so this does not throw). */
    public PreprocessSpec preprocessSpec() {
        float[] m = new float[mean.size()];
        float[] s = new float[std.size()];
        for (int i = 0; i < m.length; i++) m[i] = mean.get(i);
        for (int i = 0; i < s.length; i++) s[i] = std.get(i);
        return new PreprocessSpec(resizeShorter, cropHeight, cropWidth, order, scale, m, s, layout);
    }
}
