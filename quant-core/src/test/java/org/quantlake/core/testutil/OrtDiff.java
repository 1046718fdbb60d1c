package org.quantlake.core.testutil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.engine.InferenceSession;
import org.quantlake.core.engine.PlanRunner;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.onnx.OnnxModelReader;
import org.quantlake.core.onnx.OnnxModelWriter;

/**
 * Differential check of one generated model: written by our writer, read back by our reader (the bytes must
 * round-trip unchanged), compiled and run by our engine, and run by ONNX Runtime with every graph optimisation
 * off (so the reference is ORT's own kernel for each op, not a fused rewrite) on the same seeded inputs.
 * Output shapes must be equal and values within a tolerance relative to the reference output's scale.
 *
 * <p>Tolerances. {@link #EXACT} (0) for ops that only move, select or compare values (Relu, Clip, MaxPool,
 * Transpose, Pad, Gather, Concat, views) and for the elementwise arithmetic ops, whose one IEEE rounding is the
 * same everywhere. {@link #FLOAT} = 1e-5 of max|reference| for everything that sums or calls exp: float32 has
 * eps = 1.2e-7, and ORT's blocked, FMA-using kernels add the same K terms in another order than ours, which
 * moves a K-term dot product by about sqrt(K) * eps of its scale (K <= ~200 here: ~2e-6 at worst), and its
 * vectorised exp is within a few ulp. Any indexing or semantic mistake gives errors of order 1e-1 to 1, so the
 * margin does not hide bugs.
 */
public final class OrtDiff {
    public static final double EXACT = 0.0;
    public static final double FLOAT = 1e-5;

    private OrtDiff() {}

    /** Checks the model on seeded standard-normal inputs; returns the max relative error over its outputs. */
    public static double check(GraphBuilder b, double tolerance, ErrorLog log, String op) throws Exception {
        return check(b, b.randomInputs(7), tolerance, log, op);
    }

    /** Checks the model on the given inputs (at their declared shapes). */
    public static double check(GraphBuilder b, Map<String, float[]> inputs, double tolerance, ErrorLog log, String op) throws Exception {
        byte[] bytes = b.bytes();
        Graph g = OnnxModelReader.read(bytes, op + " test model", null);
        assertArrayEquals(bytes, OnnxModelWriter.toBytes(g), "reader + writer must round-trip the model's bytes");
        Map<String, int[]> shapes = b.inputs();
        Map<String, PlanRunner.Result> ours = PlanRunner.run(new CompiledModel(g), inputs, shapes);
        Map<String, Ort.Output> ref;
        try (Ort ort = new Ort(bytes, OrtSession.SessionOptions.OptLevel.NO_OPT)) {
            ref = ort.runWithShapes(inputs, longShapes(shapes));
        }
        double worst = 0;
        for (Map.Entry<String, PlanRunner.Result> e : ours.entrySet()) {
            Ort.Output r = ref.get(e.getKey());
            assertNotNull(r, "ORT did not produce output " + e.getKey());
            assertArrayEquals(r.shape(), toLong(e.getValue().shape()), op + ": shape of output '" + e.getKey() + "'");
            float[] a = e.getValue().data();
            assertEquals(r.data().length, a.length);
            double err = Compare.relError(a, 0, r.data(), 0, a.length);
            worst = Math.max(worst, err);
            assertTrue(err <= tolerance, op + ": output '" + e.getKey() + "' relative error " + err + " > " + tolerance
                    + firstMismatch(a, r.data()));
        }
        log.record(op, worst);
        return worst;
    }

    /**
     * For a model whose inputs are declared with batch 1: runs ours through {@link InferenceSession} (the public
     * batched path) at batch 1 and then at {@code batch} on one session, as a user would (one compiled model,
     * plans for two batch sizes), and ORT once per sample at batch 1; sample i of ours must match ORT's run i.
     * An output whose batch dim the batch-1 model squeezes away must come back as [batch, rest...].
     */
    public static double checkBatched(GraphBuilder b, int batch, double tolerance, ErrorLog log, String op) throws Exception {
        byte[] bytes = b.bytes();
        CompiledModel model = new CompiledModel(OnnxModelReader.read(bytes, op + " test model", null));
        Map<String, int[]> one = b.inputs();
        Map<String, float[]> batched = new LinkedHashMap<>();
        long seed = 11;
        for (Map.Entry<String, int[]> e : one.entrySet()) {
            assertEquals(1, e.getValue()[0], "checkBatched needs inputs declared with batch 1");
            float[] all = new float[GraphBuilder.size(e.getValue()) * batch];
            java.util.Random r = new java.util.Random(seed++);
            for (int i = 0; i < all.length; i++) all[i] = (float) r.nextGaussian();
            batched.put(e.getKey(), all);
        }
        InferenceSession session = model.newSession();
        double worst = 0;
        try (Ort ort = new Ort(bytes, OrtSession.SessionOptions.OptLevel.NO_OPT)) {
            for (int size : new int[] {1, batch}) {
                Map<String, float[]> in = new LinkedHashMap<>();
                for (var e : batched.entrySet()) in.put(e.getKey(), Arrays.copyOf(e.getValue(), e.getValue().length / batch * size));
                Map<String, float[]> ours = session.run(in, size);
                for (int i = 0; i < size; i++) {
                    Map<String, Ort.Output> ref = ort.runWithShapes(sample(in, one, i), longShapes(one));
                    for (Map.Entry<String, float[]> e : ours.entrySet()) {
                        Ort.Output r = ref.get(e.getKey());
                        long[] shape = toLong(session.shape(e.getKey(), size));
                        assertTrue(sameSampleShape(shape, size, r.shape()),
                                op + ": batch " + size + " output shape " + Arrays.toString(shape) + " vs ORT's per-sample " + Arrays.toString(r.shape()));
                        int n = r.data().length;
                        assertEquals(n * size, e.getValue().length);
                        double err = Compare.relError(e.getValue(), i * n, r.data(), 0, n);
                        worst = Math.max(worst, err);
                        assertTrue(err <= tolerance, op + ": sample " + i + " of batch " + size + " relative error " + err);
                    }
                }
            }
        }
        log.record(op, worst);
        return worst;
    }

    /**
     * Whether our output shape at {@code batch} stacks ORT's per-sample shape: [batch, ...] against [1, ...], or
     * against [...] when the batch-1 model squeezes its batch dim away (the batch rule keeps it when batched),
     * or exactly ORT's shape at the declared batch itself.
     */
    private static boolean sameSampleShape(long[] ours, int batch, long[] perSample) {
        if (batch == 1 && Arrays.equals(ours, perSample)) return true;
        if (ours.length == 0 || ours[0] != batch) return false;
        long[] kept = ours.clone();
        kept[0] = 1;
        return Arrays.equals(kept, perSample) || Arrays.equals(Arrays.copyOfRange(ours, 1, ours.length), perSample);
    }

    /** Sample i of each batched input. */
    private static Map<String, float[]> sample(Map<String, float[]> batched, Map<String, int[]> oneShapes, int i) {
        Map<String, float[]> m = new HashMap<>();
        for (var e : batched.entrySet()) {
            int per = GraphBuilder.size(oneShapes.get(e.getKey()));
            m.put(e.getKey(), Arrays.copyOfRange(e.getValue(), i * per, (i + 1) * per));
        }
        return m;
    }

    private static Map<String, long[]> longShapes(Map<String, int[]> shapes) {
        Map<String, long[]> m = new HashMap<>();
        shapes.forEach((k, v) -> m.put(k, toLong(v)));
        return m;
    }

    private static long[] toLong(int[] s) {
        return Arrays.stream(s).asLongStream().toArray();
    }

    private static String firstMismatch(float[] a, float[] ref) {
        for (int i = 0; i < a.length; i++) {
            if (Float.compare(a[i], ref[i]) != 0) return " (first difference at flat index " + i + ": ours " + a[i] + ", ORT " + ref[i] + ")";
        }
        return "";
    }

    /** Max error seen per op over a test class, printed as a table when the class ends. */
    public static final class ErrorLog {
        private final String title;
        private final Map<String, double[]> byOp = new java.util.TreeMap<>();

        public ErrorLog(String title) {
            this.title = title;
        }

        synchronized void record(String op, double err) {
            double[] s = byOp.computeIfAbsent(op, k -> new double[2]);
            s[0] = Math.max(s[0], err);
            s[1]++;
        }

        public synchronized void print() {
            StringBuilder sb = new StringBuilder(title).append(": max relative error vs ORT per op\n");
            byOp.forEach((op, s) -> sb.append(String.format("  %-28s %4d cases  max rel err %.3g%n", op, (int) s[1], s[0])));
            System.out.print(sb);
        }
    }
}
