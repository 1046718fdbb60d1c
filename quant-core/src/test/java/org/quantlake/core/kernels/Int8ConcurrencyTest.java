package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spark runs several tasks per executor JVM against one model: prepared layers are shared, each task has its own
 * scratch. Several threads run the same prepared conv (GEMM and depthwise) and Gemm layers at once, each on its own
 * input, many times, and every result must equal the one computed alone.
 */
class Int8ConcurrencyTest {

    private static final int THREADS = 4;
    private static final int ROUNDS = 30;

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void sharedPreparedLayersGiveEveryThreadItsOwnAnswer(Int8Kernels kernels) throws Exception {
        Random r = new Random(99);
        Int8ConvSpec convSpec = new Int8ConvSpec(32, 20, 20, 48, 1, 3, 3, 1, 1, 1, 1, 1, 1, 20, 20, 128, 5, 5, 255);
        Int8ConvSpec dwSpec = new Int8ConvSpec(48, 20, 20, 48, 48, 3, 3, 2, 2, 1, 1, 1, 1, 10, 10, 5, 9, 9, 200);
        Int8LinearSpec linSpec = new Int8LinearSpec(48 * 100, 70, 9, 0, 0, 255);
        Int8Conv conv = kernels.prepareConv(convSpec, bytes(r, 48 * convSpec.k()), ints(r, 48), mults(r, 48, 3e-5));
        Int8Conv dw = kernels.prepareConv(dwSpec, bytes(r, 48 * 9), ints(r, 48), mults(r, 48, 3e-3));
        Int8Linear lin = kernels.prepareLinear(linSpec, bytes(r, linSpec.k() * linSpec.n()), ints(r, 70),
                mults(r, 70, 2e-5));
        int images = 2;
        List<byte[]> inputs = new ArrayList<>();
        List<byte[]> alone = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            byte[] x = bytes(r, convSpec.inputBytes(images));
            inputs.add(x);
            alone.add(network(conv, dw, lin, x, images));
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<byte[]>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                byte[] x = inputs.get(t);
                Callable<byte[]> task = () -> {
                    start.await();
                    byte[] last = null;
                    for (int round = 0; round < ROUNDS; round++) {
                        byte[] y = network(conv, dw, lin, x, images);
                        if (last != null) {
                            assertArrayEquals(last, y, "a thread's own answer changed between rounds");
                        }
                        last = y;
                    }
                    return last;
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            for (int t = 0; t < THREADS; t++) {
                assertArrayEquals(alone.get(t), results.get(t).get(), kernels.name() + " thread " + t);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** conv -> depthwise -> Gemm with scratch allocated per call, as a session would own it. */
    private static byte[] network(Int8Conv conv, Int8Conv dw, Int8Linear lin, byte[] x, int images) {
        byte[] a = new byte[conv.spec().outputBytes(images)];
        conv.run(x, 0, images, a, 0, new byte[conv.scratchBytes(images)], new int[conv.scratchInts(images)]);
        byte[] b = new byte[dw.spec().outputBytes(images)];
        dw.run(a, 0, images, b, 0, new byte[dw.scratchBytes(images)], new int[dw.scratchInts(images)]);
        byte[] y = new byte[images * lin.spec().n()];
        lin.run(images, b, 0, y, 0, new byte[lin.scratchBytes(images)], new int[lin.scratchInts(images)]);
        return y;
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static int[] ints(Random r, int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(2001) - 1000;
        }
        return v;
    }

    private static float[] mults(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * Math.exp(r.nextGaussian() * 0.3));
        }
        return v;
    }
}
