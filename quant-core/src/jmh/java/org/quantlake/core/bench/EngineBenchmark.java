package org.quantlake.core.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole-model inference throughput, one thread: our fp32 engine, our int8 engine (the exported QDQ model, lowered),
 * ONNX Runtime fp32 on the float model and ONNX Runtime int8 on our exported QDQ file (see BenchEngine), each in its
 * own fork, one after the other. On a shared, noisy host the ratios between engines are better read from
 * PairedEngineBench, which interleaves them.
 * Score is batches per second; multiply by the batch for images per second (scripts/bench.sh prints both).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-XX:+UseParallelGC"})
@Threads(1)
public class EngineBenchmark {
    @Param({"squeezenet", "mobilenetv2", "resnet18"})
    public String model;

    @Param({"ours-fp32", "ours-int8", "ort-fp32", "ort-int8"})
    public String engine;

    @Param({"1", "32"})
    public int batch;

    private BenchEngine run;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        run = new BenchEngine(model, engine, batch);
    }

    @Benchmark
    public Object infer() throws Exception {
        return run.run();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        run.close();
    }
}
