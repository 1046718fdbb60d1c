package org.quantlake.spark.input;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quantlake.core.image.ImagePreprocessor;
import org.quantlake.core.ptq.QConfig;
import org.quantlake.spark.Jobs;
import org.quantlake.spark.config.JobConfig;
import org.quantlake.spark.output.OutputLayout;
import org.quantlake.spark.testing.JobRunner;
import org.quantlake.spark.testing.Reference;
import org.quantlake.spark.testing.SparkTestSession;
import org.quantlake.spark.testing.TinyModel;

/**
 * Image inputs through binaryFile: partition folders, labels from file names, preprocessing as quant-core does it,
 * undecodable files rejected, files outside the glob ignored, and sampling keyed by the path under the input root.
 */
class ImageInputTest {
    private static Path dir;
    private static Path images;
    private static Path model;
    private static final Map<String, float[]> tensors = new TreeMap<>();

    /** 30 PNGs of assorted sizes in source=x and source=y, a corrupt PNG, and a text file. */
    @BeforeAll
    static void images() throws IOException {
        dir = JobRunner.freshDir("images");
        model = TinyModel.file(dir);
        images = dir.resolve("images");
        Random r = new Random(4);
        JobConfig cfg = config(dir.resolve("unused").toString());
        ImagePreprocessor pre = new ImagePreprocessor(cfg.input().images().preprocessSpec());
        for (int i = 0; i < 30; i++) {
            Path folder = Files.createDirectories(images.resolve(i % 3 == 0 ? "source=x" : "source=y"));
            BufferedImage img = new BufferedImage(9 + r.nextInt(8), 9 + r.nextInt(8), BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, r.nextInt(1 << 24));
            }
            Path f = folder.resolve("c" + (i % 10) + "_" + i + ".png");
            ImageIO.write(img, "png", f.toFile());
            tensors.put(images.relativize(f).toString(), pre.toTensor(Files.readAllBytes(f)));
        }
        Files.write(images.resolve("source=y").resolve("c3_broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Files.writeString(images.resolve("source=x").resolve("notes.txt"), "not an image");
        List<String> index = new ArrayList<>();
        for (int c = 0; c < 10; c++) index.add("c" + c + " class " + c);
        Files.write(dir.resolve("classes.txt"), index);
    }

    static JobConfig config(String out, String... more) {
        List<String> o = new ArrayList<>(List.of("model=" + model, "input.path=" + images, "output=" + out,
                "input.format=images", "input.images.glob=\"*.png\"", "input.partition-columns=[source]",
                "input.images.per-partition=4",
                // grey 8x8 [1, 8, 8], the tiny model's input
                "input.images.preprocess.resize-shorter=8", "input.images.preprocess.crop=[8, 8]",
                "input.images.preprocess.channel-order=GRAY", "input.images.preprocess.scale=0.00392156862",
                "input.images.preprocess.mean=[0.5]", "input.images.preprocess.std=[0.25]",
                "input.images.label-pattern=\"^(c[0-9])_\"", "input.images.class-index=" + dir.resolve("classes.txt"),
                "calibration.batch-size=4", "rejects.max-fraction=0.05"));
        o.addAll(List.of(more));
        return JobRunner.config(o);
    }

    @Test
    void imagesArePreprocessedLabelledAndPartitioned() throws IOException {
        OutputLayout out = new OutputLayout(dir.resolve("out").toString());
        Jobs.pipeline(new JobRunner().context, config(out.root()));

        // calibration saw exactly the 30 good images, preprocessed as quant-core does it
        byte[] reference = Reference.calibrate(Reference.quantizer(Files.readAllBytes(model), QConfig.defaults()),
                new ArrayList<>(tensors.values()), 4)[0];
        assertArrayEquals(reference, Files.readAllBytes(Path.of(out.rangeState())));

        List<Row> predictions = SparkTestSession.get().read().parquet(out.predictions()).collectAsList();
        assertEquals(30, predictions.size());
        for (Row p : predictions) {
            String path = p.getAs("path");
            String name = path.substring(path.lastIndexOf('/') + 1);
            assertEquals(Integer.parseInt(name.substring(1, 2)), (int) p.getAs("label"), path);
            assertEquals(path.contains("/source=x/") ? "x" : "y", p.getAs("source"), path);
        }
        List<Row> rejects = SparkTestSession.get().read().parquet(out.rejected("score")).collectAsList();
        assertEquals(1, rejects.size());
        assertEquals("undecodable_image", rejects.get(0).getAs("reason"));
        assertTrue(rejects.get(0).<String>getAs("row_id").endsWith("source=y/c3_broken.png"));
        assertEquals("y", rejects.get(0).getAs("source"));
    }

    @Test
    void samplingIsKeyedByThePathUnderTheInputRoot() throws IOException {
        OutputLayout out = new OutputLayout(dir.resolve("sampled").toString());
        Jobs.calibrate(new JobRunner().context, config(out.root(), "calibration.fraction=0.5", "calibration.seed=3",
                "input.partitions=7"));
        RowSampler s = new RowSampler(0.5, 3);
        List<float[]> kept = new ArrayList<>();
        tensors.forEach((relative, t) -> {
            if (s.keep(s.hash(relative))) kept.add(t);
        });
        assertTrue(kept.size() > 5 && kept.size() < 25, kept.size() + " of 30");
        assertArrayEquals(Reference.calibrate(Reference.quantizer(Files.readAllBytes(model), QConfig.defaults()), kept, 4)[0],
                Files.readAllBytes(Path.of(out.rangeState())));
    }
}
