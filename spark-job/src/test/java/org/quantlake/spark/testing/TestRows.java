package org.quantlake.spark.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Parquet datasets for the job tests: rows (id bigint, part string, label int, features array&lt;float&gt;) whose
 * features are a function of the id alone, so the same rows can be written in any order or file layout.
 */
public final class TestRows {
    public static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("part", DataTypes.StringType, false)
            .add("label", DataTypes.IntegerType, true)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, true), true);

    private TestRows() {
    }

    /** Row {@code id}'s features: {@link TinyModel#SAMPLE} values, magnitudes varied so rounding would show. */
    public static float[] features(long id) {
        SplittableRandom r = new SplittableRandom(0xC0FFEEL * 31 + id);
        float scale = (float) Math.pow(2, r.nextInt(-2, 4));
        float[] f = new float[TinyModel.SAMPLE];
        for (int i = 0; i < f.length; i++) f[i] = (float) (r.nextGaussian() * scale);
        return f;
    }

    public static String part(long id) {
        return switch ((int) (id % 3)) {
            case 0 -> "a";
            case 1 -> "b";
            default -> "c";
        };
    }

    public static int label(long id) {
        return (int) (id * 7 % TinyModel.CLASSES);
    }

    public static Row row(long id) {
        return RowFactory.create(id, part(id), label(id), boxed(features(id)));
    }

    public static Float[] boxed(float[] f) {
        Float[] b = new Float[f.length];
        for (int i = 0; i < f.length; i++) b[i] = f[i];
        return b;
    }

    /** Ids 0..n-1. */
    public static List<Long> ids(int n) {
        List<Long> ids = new ArrayList<>();
        for (long i = 0; i < n; i++) ids.add(i);
        return ids;
    }

    /** Ids 0..n-1 in a seeded random order. */
    public static List<Long> shuffled(int n, long seed) {
        List<Long> ids = ids(n);
        Collections.shuffle(ids, new Random(seed));
        return ids;
    }

    /** Writes {@code rows} in their order to one Parquet file under {@code dir} (replacing it) and returns the path. */
    public static String write(SparkSession spark, List<Row> rows, Path dir) {
        spark.createDataFrame(rows, SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite).parquet(dir.toString());
        return dir.toString();
    }

    /** The rows of {@code ids}, in that order. */
    public static List<Row> rows(List<Long> ids) {
        List<Row> out = new ArrayList<>();
        for (long id : ids) out.add(row(id));
        return out;
    }
}
