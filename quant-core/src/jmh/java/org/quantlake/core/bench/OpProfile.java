package org.quantlake.core.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.engine.InferenceSession;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.Node;
import org.quantlake.core.kernels.KernelProvider;
import org.quantlake.core.ptq.PostTrainingQuantizer;
import org.quantlake.core.ptq.Fusion;
import org.quantlake.core.ptq.QConfig;
import org.quantlake.core.ptq.QuantizedModel;
import org.quantlake.core.testutil.ModelZoo;

/**
 * Where a model's time goes, per op kind and per node: runs one engine (ours fp32 or int8) on one of the benchmark
 * models for a warm-up and a measured period, with every step timed, and prints milliseconds per batch. Not a JMH
 * benchmark (step timing perturbs what it measures by about a microsecond per step); use it to decide what to
 * optimise, and EngineBenchmark for the figures.
 *
 * <p>Usage: {@code OpProfile <squeezenet|mobilenetv2|resnet18> <fp32|int8> <batch> [warm-up s] [measured s]};
 * the kernels are the JVM-wide choice ({@code -Dquantlake.kernels}, {@code -Dquantlake.native.level}).
 */
public final class OpProfile {

    private OpProfile() {
    }

    public static void main(String[] args) throws Exception {
        String model = args[0];
        String engine = args[1];
        int batch = Integer.parseInt(args[2]);
        double warm = args.length > 3 ? Double.parseDouble(args[3]) : 5;
        double measure = args.length > 4 ? Double.parseDouble(args[4]) : 10;
        Graph g = BenchEngine.withDynamicBatch(BenchEngine.graph(model));
        CompiledModel compiled;
        if (engine.equals("int8")) {
            List<float[]> calib = new ArrayList<>();
            for (int i = 0; i < 8; i++) calib.add(ModelZoo.randomImages(1, 224, 100 + i));
            QuantizedModel qm = new PostTrainingQuantizer(g, QConfig.defaults()).quantize(calib, "profile");
            compiled = QuantizedModel.int8Engine(qm.qdqGraph());
        } else {
            compiled = Fusion.inferenceEngine(g);
        }
        InferenceSession session = compiled.newSession();
        float[] input = ModelZoo.randomImages(batch, 224, 3);
        Map<String, float[]> in = Map.of(compiled.inputName(), input);
        long end = System.nanoTime() + (long) (warm * 1e9);
        while (System.nanoTime() < end) session.run(in, batch);
        Map<String, Long> nanos = new HashMap<>();
        int runs = 0;
        long t0 = System.nanoTime();
        end = t0 + (long) (measure * 1e9);
        while (System.nanoTime() < end) {
            session.run(in, batch, nanos);
            runs++;
        }
        final int measured = runs;
        double wall = (System.nanoTime() - t0) / 1e6 / runs;
        Map<String, String> kind = new HashMap<>();
        for (Node n : compiled.graph().nodes()) kind.put(n.name(), kindOf(n));
        Map<String, Double> byKind = new LinkedHashMap<>();
        double stepsMs = 0;
        for (Map.Entry<String, Long> e : nanos.entrySet()) {
            double ms = e.getValue() / 1e6 / runs;
            stepsMs += ms;
            byKind.merge(kind.getOrDefault(e.getKey(), "?"), ms, Double::sum);
        }
        System.out.printf("%s %s batch %d, int8 kernels %s: %.2f ms per batch (%.1f images/s), steps %.2f ms, %d runs%n",
                model, engine, batch, KernelProvider.int8Kernels().name(), wall, batch * 1000 / wall, stepsMs, runs);
        byKind.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).forEach(e ->
                System.out.printf("  %-28s %9.3f ms %6.1f%%%n", e.getKey(), e.getValue(), 100 * e.getValue() / wall));
        if (Boolean.getBoolean("quantlake.profile.all")) {
            // Every node in graph order, with its weight's shape: to line up against another engine's profile.
            System.out.println("  all nodes, graph order:");
            for (Node n : compiled.graph().nodes()) {
                Long ns = nanos.get(n.name());
                if (ns == null) continue;
                String w = n.inputs().size() > 1 && compiled.graph().initializers().containsKey(n.inputs().get(1))
                        ? java.util.Arrays.toString(compiled.graph().initializers().get(n.inputs().get(1)).dims()) : "";
                System.out.printf("  %-28s %-22s %9.3f ms  %s%n", kind.get(n.name()), n.name(), ns / 1e6 / measured, w);
            }
            return;
        }
        System.out.println("  top nodes (-Dquantlake.profile.all=true lists every node):");
        nanos.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(12).forEach(e ->
                System.out.printf("  %-28s %-22s %9.3f ms%n", kind.get(e.getKey()), e.getKey(),
                        e.getValue() / 1e6 / measured));
    }

    /** Op type, with the kernel shape for convolutions and "dw" for grouped ones. */
    private static String kindOf(Node n) {
        String k = n.opType();
        if (k.equals("QConv") || k.equals("Conv")) {
            int[] ks = n.attrInts("kernel_shape", null);
            int[] st = n.attrInts("strides", null);
            k += (n.attrInt("group", 1) > 1 ? " dw" : "") + (ks == null ? "" : " " + ks[0] + "x" + ks[1])
                    + (st == null || st[0] == 1 ? "" : " s" + st[0]);
        }
        return k;
    }
}
