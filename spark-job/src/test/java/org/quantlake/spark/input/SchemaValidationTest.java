package org.quantlake.spark.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.apache.spark.sql.functions.expr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quantlake.spark.Jobs;
import org.quantlake.spark.exec.ExecutorModels;
import org.quantlake.spark.testing.JobRunner;
import org.quantlake.spark.testing.SparkTestSession;
import org.quantlake.spark.testing.TestRows;
import org.quantlake.spark.testing.TinyModel;

/**
 * Schema problems are reported before any work starts (no task loads the model, nothing is written), with a message
 * naming the column and the option. (Spark itself may run a job to read Parquet footers: that is metadata, not work.)
 */
class SchemaValidationTest {
    private static Path dir;
    private static Path model;
    private static String data;

    @BeforeAll
    static void data() {
        dir = JobRunner.freshDir("schema");
        // A model no other test loads: any task that started work would load it (ExecutorModels.loads() counts).
        model = dir.resolve("fresh.onnx");
        try {
            Files.write(model, TinyModel.bytes(977));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // Extra columns of types the jobs refuse, derived in SQL (rows carrying a timestamp through Kryo would need
        // registrations the jobs themselves never use).
        SparkTestSession.get().createDataFrame(TestRows.rows(TestRows.ids(20)), TestRows.SCHEMA)
                .withColumn("name", expr("concat('n', id)"))
                .withColumn("when", expr("timestamp_seconds(id)"))
                .withColumn("raw", expr("unhex(repeat('00', 256))"))
                .withColumn("model", expr("'m1'"))
                .write().mode(SaveMode.Overwrite).parquet(dir.resolve("data").toString());
        data = dir.resolve("data").toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "input.parquet.tensor-column=featurs|input column 'featurs' (input.parquet.tensor-column) does not exist in "
                + "DATA; its columns are: id (bigint), part (string), label (int), features (array<float>), name (string), "
                + "when (timestamp), raw (binary), model (string)",
        "input.parquet.tensor-column=name|input column 'name' (input.parquet.tensor-column) has type string;"
                + " input.parquet.encoding = array needs array<float> or array<double>",
        "input.parquet.tensor-column=raw|input column 'raw' (input.parquet.tensor-column) has type binary;"
                + " input.parquet.encoding = array needs array<float> or array<double> (for raw bytes set input.parquet.encoding = binary)",
        "input.parquet.encoding=binary|input column 'features' (input.parquet.tensor-column) has type array<float>;"
                + " input.parquet.encoding = binary needs binary",
        "input.label-column=name|input column 'name' (input.label-column) has type string; expected an integer type (the class index)",
        "input.id-column=features|column 'features' is named by both input.id-column and input.parquet.tensor-column",
        "input.id-column=when|input column 'when' (input.id-column) has type timestamp; expected string or an integer type",
        "input.partition-columns=[day]|input column 'day' (input.partition-columns) does not exist in DATA",
        "input.partition-columns=[when]|input column 'when' (input.partition-columns) has type timestamp; expected string,"
                + " an integer type, boolean or date",
        "input.parquet.shape=[1, 8, 9]|input.parquet.shape [1, 8, 9] has 72 values per row; the model input 'x' [1, 8, 8] takes 64",
        "input.filter=\"day = 'monday'\"|input.filter \"day = 'monday'\" does not apply to DATA:",
        "input.partition-columns=[model]|input column 'model' has the name of a column the outputs add; rename it",
        "input.label-column=label;input.partition-columns=[label]|column 'label' is named by both input.label-column and"
                + " input.partition-columns",
    })
    void problemsAreReportedBeforeAnyWorkNamingTheColumn(String option, String message) {
        Path out = dir.resolve("out-" + Math.abs(option.hashCode()));
        JobRunner runner = new JobRunner();
        int loads = ExecutorModels.loads();
        RuntimeException e = assertThrows(RuntimeException.class, () -> Jobs.pipeline(runner.context,
                JobRunner.config(List.of("model=" + model, "input.path=" + data, "output=" + out), option.split(";"))));
        String expected = message.replace("DATA", data);
        assertTrue(e.getMessage().startsWith(expected), "expected\n  " + expected + "\nbut got\n  " + e.getMessage());
        assertTrue(e instanceof SchemaException || e instanceof org.quantlake.spark.config.ConfigException, e.toString());
        assertEquals(loads, ExecutorModels.loads(), "no task may start work before the check");
        assertTrue(runner.log.isEmpty(), "no stage started: " + runner.log);
        assertFalse(Files.exists(out), "nothing written");
    }
}
