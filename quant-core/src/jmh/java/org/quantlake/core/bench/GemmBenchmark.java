package org.quantlake.core.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.quantlake.core.kernels.FloatKernels;
import org.quantlake.core.kernels.KernelProvider;

/**
 * Single-threaded fp32 GEMM {@code C[MxN] = A[MxK] B[KxN]} (dense row-major, no accumulate), plain Java against the
 * Vector API, on CNN layer shapes given as {@code MxKxN}. Score: GEMM calls per second; GFLOP/s = score x 2MKN /
 * 1e9, and scripts/bench.sh prints that column. Flops per call: 231,211,008 for each of 3136x576x64 (early conv),
 * 784x1152x128 and 49x4608x512 (late conv); 2,560,000 for 1x1280x1000 (batch-1 linear); 163,840,000 for
 * 64x1280x1000.
 *
 * <p>Compare implementations within one run: the machines are shared, so absolute numbers drift between runs.
 * The Vector API needs seconds of warm-up before C2 has compiled it fully, hence the warm-up iterations.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark {

    /** {@code MxKxN}, as in the project's kernel measurements. */
    @Param({"3136x576x64", "784x1152x128", "49x4608x512", "1x1280x1000", "64x1280x1000"})
    public String shape;

    /** {@code java} (plain Java) or {@code panama} (Vector API). */
    @Param({"java", "panama"})
    public String impl;

    private FloatKernels kernels;
    private int m;
    private int n;
    private int k;
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setUp() {
        String[] mkn = shape.split("x");
        m = Integer.parseInt(mkn[0]);
        k = Integer.parseInt(mkn[1]);
        n = Integer.parseInt(mkn[2]);
        kernels = switch (impl) {
            case "java" -> KernelProvider.javaKernels();
            case "panama" -> KernelProvider.panamaKernels().orElseThrow(() -> new IllegalStateException(
                    "Vector API kernels unavailable: run the benchmark JVM with --add-modules jdk.incubator.vector"));
            default -> throw new IllegalArgumentException("impl must be java or panama: " + impl);
        };
        Random r = new Random(42);
        a = random(r, m * k);
        b = random(r, k * n);
        c = new float[m * n];
    }

    /** One full GEMM; returns C so the JIT cannot discard the work. */
    @Benchmark
    public float[] gemm() {
        kernels.gemm(m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
        return c;
    }

    private static float[] random(Random r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }
}
