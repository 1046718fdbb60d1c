package org.quantlake.spark.testing;

import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.quantlake.core.observe.MeanMinMaxObserver;
import org.quantlake.core.observe.Observer;
import org.quantlake.core.tensor.FloatTensor;

/**
 * A small deterministic job shaped like distributed calibration: rows with an {@code array<float>} column, one
 * observer state per partition as {@code byte[]} ({@code mapPartitions}), reduced with {@code treeAggregate}.
 *
 * <p>The observer is quant-core's {@link MeanMinMaxObserver}, whose sums are exact, so the result must be
 * byte-identical to {@link #sequentialReference} for every partitioning, tree shape, retry and master. A float
 * sum would not be: that is what makes equality a real check of Spark plumbing rather than luck.
 */
public final class StateReduceJob {
    /** Floats per row. */
    public static final int WIDTH = 48;
    /** Rows folded into one tensor per observe call (the last batch of a partition may be smaller). */
    static final int BATCH = 8;

    public static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private StateReduceJob() {
    }

    /** Row {@code id}'s features: seeded by the id alone, with rare NaN/Inf and signed zeros. */
    public static float[] features(long id) {
        SplittableRandom r = new SplittableRandom(0x5EEDL * 1_000_003L + id);
        float scale = (float) Math.pow(10, r.nextInt(-3, 4));  // spread magnitudes so rounding would show
        float[] f = new float[WIDTH];
        for (int i = 0; i < WIDTH; i++) {
            int pick = r.nextInt(1000);
            f[i] = switch (pick) {
                case 0 -> Float.NaN;
                case 1 -> Float.POSITIVE_INFINITY;
                case 2 -> Float.NEGATIVE_INFINITY;
                case 3 -> -0.0f;
                default -> (float) (r.nextGaussian() * scale);
            };
        }
        return f;
    }

    /** Rows 0..rows-1 as a DataFrame of {@link #SCHEMA} in {@code partitions} partitions. */
    public static Dataset<Row> samples(SparkSession spark, long rows, int partitions) {
        JavaRDD<Row> rdd = spark.range(0, rows, 1, partitions).javaRDD()
                .map((Function<Long, Row>) id -> RowFactory.create(id, features(id)));
        return spark.createDataFrame(rdd, SCHEMA);
    }

    /** The merged observer state of all rows of {@code samples}; {@code probe} runs first in every task. */
    public static byte[] reduce(Dataset<Row> samples, TaskProbe probe) {
        byte[] zero = new MeanMinMaxObserver().toBytes();
        return samples.javaRDD()
                .mapPartitions((FlatMapFunction<Iterator<Row>, byte[]>) rows -> {
                    probe.onTaskStart();
                    return List.of(observePartition(rows)).iterator();
                })
                .treeAggregate(zero, StateReduceJob::merge, StateReduceJob::merge, 2);
    }

    /** The same state computed in one loop without Spark. */
    public static byte[] sequentialReference(long rows) {
        MeanMinMaxObserver o = new MeanMinMaxObserver();
        for (long id = 0; id < rows; id++) {
            o.observe(new FloatTensor(features(id), new int[] {1, WIDTH}));
        }
        return o.toBytes();
    }

    /** Merges two serialized states (associative and commutative, byte for byte). */
    static byte[] merge(byte[] a, byte[] b) {
        return Observer.fromBytes(a).merge(Observer.fromBytes(b)).toBytes();
    }

    private static byte[] observePartition(Iterator<Row> rows) {
        MeanMinMaxObserver o = new MeanMinMaxObserver();
        float[] batch = new float[BATCH * WIDTH];
        int n = 0;
        while (rows.hasNext()) {
            List<Float> f = rows.next().getList(1);
            for (int i = 0; i < WIDTH; i++) {
                batch[n * WIDTH + i] = f.get(i);
            }
            if (++n == BATCH) {
                o.observe(new FloatTensor(batch, new int[] {n, WIDTH}));
                n = 0;
            }
        }
        if (n > 0) {
            o.observe(new FloatTensor(batch, 0, new int[] {n, WIDTH}));
        }
        return o.toBytes();
    }
}
