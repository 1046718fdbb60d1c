package org.quantlake.core.testutil;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The MNIST test split from the shared IDX files, as the mnist-12 model wants it: raw pixels 0..255, [1, 28, 28]. */
public final class Mnist {
    public final float[][] images;
    public final int[] labels;

    private Mnist(float[][] images, int[] labels) {
        this.images = images;
        this.labels = labels;
    }

    private static Mnist cached;

    public static synchronized Mnist testSet() throws IOException {
        if (cached == null) {
            Path imgs = Assets.require("mnist/t10k-images-idx3-ubyte.gz");
            Path lbls = Assets.require("mnist/t10k-labels-idx1-ubyte.gz");
            cached = new Mnist(readImages(imgs), readLabels(lbls));
        }
        return cached;
    }

    static float[][] readImages(Path p) throws IOException {
        try (InputStream raw = Files.newInputStream(p); DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            int magic = in.readInt();
            if (magic != 2051) throw new IOException(p + ": not an IDX image file (magic " + magic + ")");
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            float[][] out = new float[n][rows * cols];
            byte[] buf = new byte[rows * cols];
            for (int i = 0; i < n; i++) {
                in.readFully(buf);
                for (int j = 0; j < buf.length; j++) out[i][j] = buf[j] & 0xFF;
            }
            return out;
        }
    }

    static int[] readLabels(Path p) throws IOException {
        try (InputStream raw = Files.newInputStream(p); DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            int magic = in.readInt();
            if (magic != 2049) throw new IOException(p + ": not an IDX label file (magic " + magic + ")");
            int n = in.readInt();
            int[] out = new int[n];
            for (int i = 0; i < n; i++) out[i] = in.readUnsignedByte();
            return out;
        }
    }

    /** Images [from, to) stacked into one batch. */
    public float[] batch(int from, int to) {
        float[] b = new float[(to - from) * 784];
        for (int i = from; i < to; i++) System.arraycopy(images[i], 0, b, (i - from) * 784, 784);
        return b;
    }
}
