package org.quantlake.core.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.quantlake.core.image.ImagePreprocessor;
import org.quantlake.core.image.PreprocessSpec;

/**
 * The 1,000 shared ImageNet sample images, sorted by file name, with labels from synset_words.txt, preprocessed for
 * SqueezeNet 1.1 (BGR, mean 104/117/123) once per JVM and cached.
 */
public final class ImageNetSamples {
    public final List<String> names;
    public final int[] labels;
    public final float[][] inputs;

    private ImageNetSamples(List<String> names, int[] labels, float[][] inputs) {
        this.names = names;
        this.labels = labels;
        this.inputs = inputs;
    }

    private static ImageNetSamples cached;

    public static synchronized ImageNetSamples squeezenetInputs() throws IOException {
        if (cached == null) {
            Path dir = Assets.require("imagenet/sample-images-1000");
            Path synsets = Assets.require("imagenet/labels/synset_words.txt");
            Map<String, Integer> index = new HashMap<>();
            List<String> lines = Files.readAllLines(synsets);
            for (int i = 0; i < lines.size(); i++) index.put(lines.get(i).split(" ", 2)[0], i);
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".JPEG")).sorted().toList();
            }
            ImagePreprocessor pre = new ImagePreprocessor(PreprocessSpec.imagenetCaffeBgr());
            List<String> names = new ArrayList<>();
            int[] labels = new int[files.size()];
            float[][] inputs = new float[files.size()][];
            // decoding 1,000 JPEGs is the slow part: use both cores
            java.util.stream.IntStream.range(0, files.size()).parallel().forEach(i -> {
                try {
                    inputs[i] = pre.toTensor(Files.readAllBytes(files.get(i)));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            for (int i = 0; i < files.size(); i++) {
                String name = files.get(i).getFileName().toString();
                names.add(name);
                Integer label = index.get(name.substring(0, name.indexOf('_')));
                if (label == null) throw new IOException("no synset for " + name);
                labels[i] = label;
            }
            cached = new ImageNetSamples(List.copyOf(names), labels, inputs);
        }
        return cached;
    }

    public int size() { return inputs.length; }

    public float[] batch(int from, int to) {
        int per = inputs[0].length;
        float[] b = new float[(to - from) * per];
        for (int i = from; i < to; i++) System.arraycopy(inputs[i], 0, b, (i - from) * per, per);
        return b;
    }
}
