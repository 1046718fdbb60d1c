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
import org.quantlake.core.kernels.Int8Kernels;
import org.quantlake.core.kernels.KernelProvider;

/**
 * Single-threaded int8 GEMM (plain Java and Vector API) against the Vector API fp32 GEMM on the same layers, called
 * exactly as the engine calls them, so int8/fp32 ratios come from one run. Score: calls per second; GOP/s = score
 * x 2MKN / 1e9 (scripts/bench.sh prints it and the ratios).
 *
 * <p>Each shape is {@code kind:MxKxN} with M output positions (rows of the fp32 activation matrix), K the reduction
 * and N output channels, as in the project's kernel tables. {@code conv} layers run as QConv and Conv do:
 * {@code gemmS8U8(m = N, n = M, k = K)} (int8 weights [N x K] times uint8 im2col columns [K x M]) and
 * {@code gemm(N, M, K)} in fp32. {@code linear} layers run as QGemm and Gemm do: {@code gemmU8S8(m = M, n = N,
 * k = K)} (uint8 activations [M x K] times int8 weights [K x N]) and {@code gemm(M, N, K)}. Requantization is not
 * included (it is O(MN), the GEMM O(MNK)).
 *
 * <p>Compare implementations within one run: the machines are shared, so absolute numbers drift between runs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class Int8GemmBenchmark {

    /** {@code kind:MxKxN}; kind {@code conv} or {@code linear} fixes how the shape maps onto the kernel call. */
    @Param({"conv:3136x576x64", "conv:784x1152x128", "conv:49x4608x512", "linear:1x1280x1000",
            "linear:64x1280x1000"})
    public String shape;

    /** {@code int8-java}, {@code int8-panama} or {@code fp32-panama}. */
    @Param({"int8-java", "int8-panama", "fp32-panama"})
    public String impl;

    private Int8Kernels int8;
    private FloatKernels fp32;
    private boolean conv;
    /** The kernel call's own m, n, k (after the conv or linear mapping). */
    private int m;
    private int n;
    private int k;
    private byte[] a;
    private byte[] b;
    private int[] c;
    private float[] af;
    private float[] bf;
    private float[] cf;

    @Setup
    public void setUp() {
        String[] kindDims = shape.split(":");
        String[] mkn = kindDims[1].split("x");
        int rows = Integer.parseInt(mkn[0]);
        k = Integer.parseInt(mkn[1]);
        int cols = Integer.parseInt(mkn[2]);
        conv = switch (kindDims[0]) {
            case "conv" -> true;
            case "linear" -> false;
            default -> throw new IllegalArgumentException("shape kind must be conv or linear: " + shape);
        };
        m = conv ? cols : rows;
        n = conv ? rows : cols;
        String missing = "Vector API kernels unavailable: run the benchmark JVM with --add-modules jdk.incubator.vector";
        switch (impl) {
            case "int8-java" -> int8 = KernelProvider.javaInt8Kernels();
            case "int8-panama" -> int8 = KernelProvider.panamaInt8Kernels().orElseThrow(
                    () -> new IllegalStateException(missing));
            case "fp32-panama" -> fp32 = KernelProvider.panamaKernels().orElseThrow(
                    () -> new IllegalStateException(missing));
            default -> throw new IllegalArgumentException("impl must be int8-java, int8-panama or fp32-panama: " + impl);
        }
        Random r = new Random(42);
        a = new byte[m * k];
        b = new byte[k * n];
        r.nextBytes(a);
        r.nextBytes(b);
        c = new int[m * n];
        // fp32 gets the same values (as the signed or unsigned integers the int8 call reads), for equal work.
        af = widen(a, conv);
        bf = widen(b, !conv);
        cf = new float[m * n];
    }

    /** One GEMM call; returns C so the JIT cannot discard the work. */
    @Benchmark
    public Object gemm() {
        if (fp32 != null) {
            fp32.gemm(m, n, k, af, 0, k, bf, 0, n, cf, 0, n, false);
            return cf;
        }
        if (conv) {
            int8.gemmS8U8(m, n, k, a, 0, k, b, 0, n, c, 0, n);
        } else {
            int8.gemmU8S8(m, n, k, a, 0, k, b, 0, n, c, 0, n);
        }
        return c;
    }

    private static float[] widen(byte[] x, boolean signed) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = signed ? x[i] : x[i] & 0xFF;
        }
        return out;
    }
}
