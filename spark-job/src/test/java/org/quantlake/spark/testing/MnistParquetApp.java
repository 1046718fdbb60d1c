package org.quantlake.spark.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.quantlake.spark.QuantlakeKryoRegistrator;

/**
 * Writes the MNIST test split (IDX files) as the Parquet dataset conf/mnist-parquet.conf describes: id, part (4 data
 * partitions of 2,500 rows), label, features (784 raw pixels). For scripts/throughput.sh; ships in the tests jar and
 * uses neither JUnit nor quant-core's test helpers, which a spark-submit classpath does not have.
 *
 * <p>Arguments: {@code IMAGES_IDX_GZ LABELS_IDX_GZ OUT}.
 */
public final class MnistParquetApp {
    private MnistParquetApp() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: MnistParquetApp IMAGES_IDX_GZ LABELS_IDX_GZ OUT");
            System.exit(2);
        }
        float[][] images = images(Path.of(args[0]));
        int[] labels = labels(Path.of(args[1]));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < images.length; i++) {
            rows.add(RowFactory.create((long) i, "p" + (i / 2500), labels[i], TestRows.boxed(images[i])));
        }
        SparkSession spark = SparkSession.builder()
                .config(QuantlakeKryoRegistrator.configure(new SparkConf()).setAppName("mnist-to-parquet")).getOrCreate();
        try {
            spark.createDataFrame(rows, TestRows.SCHEMA).repartition(4).write().mode(SaveMode.Overwrite).parquet(args[2]);
        } finally {
            spark.stop();
        }
    }

    static float[][] images(Path p) throws IOException {
        try (InputStream raw = Files.newInputStream(p); DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            if (in.readInt() != 2051) throw new IOException(p + ": not an IDX image file");
            int n = in.readInt();
            int size = in.readInt() * in.readInt();
            float[][] out = new float[n][size];
            byte[] buf = new byte[size];
            for (int i = 0; i < n; i++) {
                in.readFully(buf);
                for (int j = 0; j < size; j++) out[i][j] = buf[j] & 0xFF;
            }
            return out;
        }
    }

    static int[] labels(Path p) throws IOException {
        try (InputStream raw = Files.newInputStream(p); DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            if (in.readInt() != 2049) throw new IOException(p + ": not an IDX label file");
            int[] out = new int[in.readInt()];
            for (int i = 0; i < out.length; i++) out[i] = in.readUnsignedByte();
            return out;
        }
    }
}
