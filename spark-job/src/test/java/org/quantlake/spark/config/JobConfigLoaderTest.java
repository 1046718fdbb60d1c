package org.quantlake.spark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.image.PreprocessSpec;
import org.quantlake.core.ptq.CalibrationMethod;
import org.quantlake.core.quant.QuantDType;

class JobConfigLoaderTest {

    @Test
    void defaultsMatchQuantCoreDefaults() {
        JobConfig c = JobConfigLoader.defaults();
        assertNull(c.model());
        assertNull(c.output());
        assertEquals(InputSpec.Format.PARQUET, c.input().format());
        assertEquals("features", c.input().parquet().tensorColumn());
        assertEquals(List.of(), c.input().partitionColumns());
        assertEquals(CalibrationMethod.MINMAX, c.calibration().method());
        assertEquals(16, c.calibration().batchSize());
        assertEquals(1.0, c.calibration().fraction());
        assertEquals(0.01, c.maxRejectFraction());
        // the options describe exactly quant-core's default configuration
        assertEquals(org.quantlake.core.ptq.QConfig.defaults().describe(), c.calibration().qconfig().describe());
        assertTrue(c.scoring().driftEnabled());
        assertTrue(c.effective().startsWith("{") && c.effective().contains("\"batch-size\":16"), c.effective());
    }

    static Stream<Path> exampleConfigs() throws IOException {
        // Surefire runs in the module folder; the examples live in the repository's conf/.
        return Files.list(Path.of("..", "conf")).filter(p -> p.toString().endsWith(".conf")).sorted();
    }

    @ParameterizedTest
    @MethodSource("exampleConfigs")
    void everyExampleConfigLoads(Path conf) {
        JobConfig c = JobConfigLoader.load(conf, List.of());
        assertTrue(c.input().format() != null);
    }

    @Test
    void imageExampleUsesTheCaffePreset() {
        JobConfig c = JobConfigLoader.load(Path.of("..", "conf", "imagenet-images.conf"), List.of());
        assertEquals(PreprocessSpec.imagenetCaffeBgr(), c.input().images().preprocessSpec());
        assertEquals(CalibrationMethod.HISTOGRAM_MSE, c.calibration().method());
        assertEquals(org.quantlake.core.ptq.WeightRounding.GPTQ, c.calibration().weightRounding());
    }

    @Test
    void setWinsOverTheFileAndFlagsWinOverSet(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("job.conf");
        Files.writeString(f, "model = from-file.onnx\ncalibration { method = kl, batch-size = 8 }\n");
        JobConfig c = JobConfigLoader.load(f, List.of("calibration.batch-size=4", "model=from-set.onnx"),
                Map.of("model", "hdfs://nn:8020/models/m.onnx"));
        assertEquals(CalibrationMethod.HISTOGRAM_KL, c.calibration().method());
        assertEquals(4, c.calibration().batchSize());
        assertEquals("hdfs://nn:8020/models/m.onnx", c.model());
    }

    @Test
    void fileInReferenceShapeLoads(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("job.conf");
        Files.writeString(f, "quantlake { scoring.top-k = 2 }\n");
        assertEquals(2, JobConfigLoader.load(f, List.of()).scoring().topK());
    }

    @Test
    void overrideValuesAreHoconOnlyWhenUnambiguous() {
        JobConfig c = JobConfigLoader.load(null, List.of(
                "model=hdfs://nn/models/m.onnx",               // "//" would start a HOCON comment
                "quantlake.output=s3a://bucket/out",           // the prefix is optional
                "input.filter=date = '2024-01-02' AND x > 3",  // not HOCON at all
                "input.partition-columns=[date, source]",      // a list
                "scoring.class-names=\"a b.txt\"",             // a quoted string
                "calibration.percentile=99.9"));
        assertEquals("hdfs://nn/models/m.onnx", c.model());
        assertEquals("s3a://bucket/out", c.output());
        assertEquals("date = '2024-01-02' AND x > 3", c.input().filter());
        assertEquals(List.of("date", "source"), c.input().partitionColumns());
        assertEquals("a b.txt", c.scoring().classNames());
        assertEquals(99.9, c.calibration().percentile());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "calibration.metod=kl|unknown option 'calibration.metod' in --set calibration.metod=kl; did you mean 'calibration.method'?",
        "input.tensor-column=x|unknown option 'input.tensor-column' in --set input.tensor-column=x; did you mean 'input.parquet.tensor-column'?",
        "calibration.batch-size=lots|option calibration.batch-size has the wrong type",
        "calibration.batch-size=0|option calibration.batch-size must be in [1, 65536], got 0",
        "calibration.fraction=1.5|option calibration.fraction must be in [0.0, 1.0], got 1.5",
        "calibration.method=best|option calibration.method: unknown calibration method 'best' (minmax, mean-minmax, l2, kl, percentile, mse)",
        "calibration.activation-dtype=int4|option calibration.activation-dtype: expected uint8 or int8, got 'int4'",
        "input.format=csv|option input.format: expected one of [parquet, images], got 'csv'",
        "input.parquet.byte-order=middle|option input.parquet.byte-order: expected little-endian or big-endian, got 'middle'",
        "input.images.preset=vgg|option input.images.preset: unknown preset 'vgg' (imagenet-caffe-bgr, imagenet-torchvision)",
        "input.images.preprocess.mean=[1, 2]|option input.images.preprocess: mean and std need 3 values for RGB, got 2 and 3",
        "input.images.preprocess.crop=[224]|option input.images.preprocess.crop: give [height, width] or [], got [224]",
        "input.images.label-pattern=\"^n[0-9]+\"|option input.images.label-pattern needs a group: group 1 is the class name",
        "input.images.label-pattern=\"^(n[0-9]+)\"|option input.images.label-pattern needs input.images.class-index",
        "input.partition-columns=[d, d]|option input.partition-columns lists a column twice: [d, d]",
        "rejects.max-fraction=-1|option rejects.max-fraction must be in [0.0, 1.0], got -1.0",
        "calibration|override 'calibration' is not key=value",
    })
    void badOptionsAreRefusedNamingTheOption(String override, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfigLoader.load(null, List.of(override)));
        assertTrue(e.getMessage().startsWith(message), "expected\n  " + message + "\nbut got\n  " + e.getMessage());
    }

    @Test
    void unknownKeysInAFileNameTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("job.conf");
        Files.writeString(f, "scoring { topk = 3 }\n");
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfigLoader.load(f, List.of()));
        assertEquals("unknown option 'scoring.topk' in config file " + f + "; did you mean 'scoring.top-k'? (every option"
                + " is listed, with its default, in spark-job's reference.conf)", e.getMessage());
        ConfigException missing = assertThrows(ConfigException.class, () -> JobConfigLoader.load(dir.resolve("no.conf"), List.of()));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void qconfigCarriesEveryCalibrationOption() {
        JobConfig c = JobConfigLoader.load(null, List.of("calibration.method=percentile", "calibration.percentile=99.5",
                "calibration.bins=512", "calibration.activation-dtype=int8", "calibration.activation-symmetric=true",
                "calibration.per-channel-weights=false", "calibration.reduce-range=true", "calibration.exclude=[Gemm]",
                "calibration.weight-rounding=gptq"));
        var q = c.calibration().qconfig();
        assertEquals(org.quantlake.core.ptq.WeightRounding.GPTQ, q.weightRounding());
        assertEquals(CalibrationMethod.HISTOGRAM_PERCENTILE, q.method());
        assertEquals(99.5, q.percentile());
        assertEquals(512, q.bins());
        assertEquals(QuantDType.QINT8, q.activationDtype());
        assertTrue(q.activationSymmetric());
        assertFalse(q.weightPerChannel());
        assertTrue(q.reduceRange());
        assertTrue(q.isExcluded("anything", "Gemm"));
    }
}
