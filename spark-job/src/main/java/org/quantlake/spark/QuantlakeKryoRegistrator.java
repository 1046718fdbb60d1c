package org.quantlake.spark;

import com.esotericsoftware.kryo.Kryo;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoRegistrator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.CharType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DayTimeIntervalType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.VarcharType;
import org.apache.spark.sql.types.YearMonthIntervalType;
import org.quantlake.spark.calibrate.CalibrationRecord;
import org.quantlake.spark.calibrate.CalibrationTally;
import org.quantlake.spark.rejects.RejectRecord;
import org.quantlake.spark.score.PartitionTally;
import org.quantlake.spark.score.ScoreRecord;

/**
 * Registers with Kryo the classes quantlake's jobs move between driver and executors (task results, shuffles,
 * broadcasts), and switches Kryo on with {@link #configure(SparkConf)}.
 *
 * <p>Jobs run with {@code spark.kryo.registrationRequired=true}: an unregistered class then fails the task at
 * once instead of silently writing its full class name into every record. So when a job starts moving a new
 * class, the first run says which one is missing, and it is added to {@link #CLASSES}.
 *
 * <p>Registration ids follow the list order and must be identical on driver and executors, which they are:
 * both run this class from the same jar. Append to the list; never reorder it while a job is running.
 */
public final class QuantlakeKryoRegistrator implements KryoRegistrator {

    /**
     * The registered classes, each with the reason it travels.
     *
     * <p>Spark's own KryoSerializer already registers the primitive arrays; they are listed again because the
     * observer states and tensors are made of them, so our contract must not depend on Spark's internal list
     * (registering an already-registered class is a no-op).
     */
    static final List<Class<?>> CLASSES = List.of(
            byte[].class,   // serialized observer states (Observer#toBytes): the unit of every calibration reduce
            float[].class,  // tensors and array<float> feature columns
            long[].class,   // histogram counts
            int[].class,    // tensor shapes
            // Rows of an RDD<Row> (Dataset.javaRDD()) riding in task results, e.g. collect/take: the result
            // array, each row with its schema, an array<float> column's value and type. Spark registers
            // StructType and the common scalar types itself, but not these.
            Row[].class,
            GenericRowWithSchema.class,
            Float[].class,
            ArrayType.class,
            DataTypes.FloatType.getClass(),  // Spark's FloatType$ singleton
            // The jobs' task results and persisted records (treeAggregate also clones its zero value with Kryo).
            CalibrationTally.class,         // calibration: per-task state bytes and counts, merged by treeAggregate
            CalibrationRecord.class,        // calibration: a task's tally or one rejected row
            RejectRecord.class,             // a rejected row (reason, id, source, partition values)
            ScoreRecord.class,              // scoring: a prediction, flipped row, rejected row or partition tally
            ScoreRecord.Kind.class,
            PartitionTally.class,           // scoring: counts and drift of one data partition in one task
            TreeMap.class,                  // rejected rows by reason, in both tallies
            Object[].class,                 // output row values and partition values
            String[].class,                 // top-k class names
            java.sql.Date.class,            // date partition columns, as Spark hands them to Rows
            java.time.LocalDate.class,      // the same with spark.sql.datetime.java8API.enabled
            // Schemas in task results: reading a Parquet input's schema runs a job returning each file's StructType,
            // so every column type of a user's data must be registered, not only the types our jobs use. Spark
            // registers some of them itself; these are the rest (re-registering is harmless).
            StructType.class,
            StructField.class,
            Metadata.class,
            DataTypes.BinaryType.getClass(),
            DataTypes.BooleanType.getClass(),
            DataTypes.ByteType.getClass(),
            DataTypes.ShortType.getClass(),
            DataTypes.IntegerType.getClass(),
            DataTypes.LongType.getClass(),
            DataTypes.DoubleType.getClass(),
            DataTypes.StringType.getClass(),
            DataTypes.DateType.getClass(),
            DataTypes.TimestampType.getClass(),
            DataTypes.TimestampNTZType.getClass(),
            DataTypes.CalendarIntervalType.getClass(),
            DataTypes.NullType.getClass(),
            DecimalType.class,
            MapType.class,
            CharType.class,
            VarcharType.class,
            DayTimeIntervalType.class,
            YearMonthIntervalType.class,
            TreeSet.class);                 // the float kernels of the calibrating JVMs, in calibration tallies

    @Override
    public void registerClasses(Kryo kryo) {
        for (Class<?> c : CLASSES) {
            kryo.register(c);
        }
    }

    /**
     * Sets the Kryo serializer, this registrator and registrationRequired on {@code conf} (before the
     * SparkContext starts: these are read once, when it does) and returns it.
     */
    public static SparkConf configure(SparkConf conf) {
        return conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", QuantlakeKryoRegistrator.class.getName())
                .set("spark.kryo.registrationRequired", "true");
    }
}
