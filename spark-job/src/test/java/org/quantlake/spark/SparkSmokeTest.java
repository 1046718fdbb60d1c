package org.quantlake.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.executor.Executor;
import org.apache.spark.scheduler.TaskSetManager;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.quantlake.spark.testing.SparkTestSession;
import org.quantlake.spark.testing.StateReduceJob;
import org.quantlake.spark.testing.TaskProbe;

/** Runs real local jobs under the production serializer settings (Kryo, registrationRequired). */
class SparkSmokeTest {

    @Test
    void arrayFloatRowsSurviveTaskResultsBitForBit() {
        Dataset<Row> df = StateReduceJob.samples(SparkTestSession.get(), 40, 3);
        assertEquals(StateReduceJob.SCHEMA, df.schema());

        // RDD rows carry their schema (ArrayType, FloatType$) through Kryo in the task results.
        List<Row> rows = df.javaRDD().collect();
        assertEquals(40, rows.size());
        for (Row row : rows) {
            float[] expected = StateReduceJob.features(row.getLong(0));
            List<Float> actual = row.getList(1);
            assertEquals(expected.length, actual.size());
            for (int i = 0; i < expected.length; i++) {
                // Bit patterns, so NaN and -0.0 count too.
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual.get(i)),
                        "row " + row.getLong(0) + " element " + i);
            }
        }
    }

    @Test
    void treeAggregateOfByteStatesIsIndependentOfPartitioning() {
        SparkSession spark = SparkTestSession.get();
        long rows = 300;
        byte[] reference = StateReduceJob.sequentialReference(rows);
        for (int partitions : new int[] {1, 7, 32}) {
            byte[] state = StateReduceJob.reduce(StateReduceJob.samples(spark, rows, partitions), TaskProbe.NONE);
            assertArrayEquals(reference, state, partitions + " partitions");
        }
    }

    /** Proves registrationRequired is really on: otherwise Kryo would silently write class names. */
    @Test
    void unregisteredClassInTaskResultsFailsTheJob() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        SparkException e = quietly(() -> assertThrows(SparkException.class, () -> jsc.parallelize(List.of(1, 2), 2)
                .map((Function<Integer, NotRegistered>) NotRegistered::new)
                .collect()));
        assertTrue(String.valueOf(e.getMessage()).contains("Class is not registered"), e.getMessage());
    }

    record NotRegistered(int value) implements java.io.Serializable {
    }

    /** Runs an expected task failure without the stack traces Spark logs for unexpected ones. */
    private static <T> T quietly(Supplier<T> body) {
        List<String> loggers = List.of(Executor.class.getName(), TaskSetManager.class.getName());
        Map<String, Level> before = new HashMap<>();
        loggers.forEach(l -> before.put(l, LogManager.getLogger(l).getLevel()));
        loggers.forEach(l -> Configurator.setLevel(l, Level.OFF));
        try {
            return body.get();
        } finally {
            before.forEach(Configurator::setLevel);
        }
    }

    /**
     * Reading a Parquet dataset's schema runs a Spark job whose task results hold each file's StructType: every
     * column type users may have must be registered with Kryo, or the jobs could not even open such an input.
     */
    @Test
    void parquetSchemasOfEveryCommonColumnTypeSurviveKryo() {
        SparkSession spark = SparkTestSession.get();
        String path = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "quantlake-tests", "all-types-"
                + ProcessHandle.current().pid()).toString();
        spark.range(0, 30, 1, 3).selectExpr("id", "cast(id as tinyint) b", "cast(id as smallint) s", "cast(id as int) i",
                        "cast(id as float) f", "cast(id as double) d", "cast(id as decimal(12, 3)) dec", "cast(id as string) str",
                        "cast(id as boolean) bool", "date_add(date'2024-01-01', cast(id as int)) dt", "timestamp_seconds(id) ts",
                        "cast(timestamp_seconds(id) as timestamp_ntz) ntz", "unhex('00ff') bin", "array(cast(id as float)) arr",
                        "map('k', id) m", "named_struct('x', id, 'y', cast(id as string)) st")
                .write().mode("overwrite").parquet(path);
        Dataset<Row> back = spark.read().parquet(path);
        assertEquals(16, back.schema().fields().length);
        assertEquals(30, back.count());
        assertEquals(30, back.javaRDD().map((Function<Row, Long>) r -> r.getLong(0)).collect().size());
    }
}
