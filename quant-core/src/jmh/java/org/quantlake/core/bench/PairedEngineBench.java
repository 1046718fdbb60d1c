package org.quantlake.core.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Engine ratios on a shared, noisy host: the four engines of BenchEngine on one model and batch size, all loaded in
 * one JVM and timed in interleaved rounds (each round times every engine once for a fixed period, in an order that
 * rotates from round to round), so a burst of load from a neighbour hits all four alike. Each round gives a ratio
 * per pair; the report is the median ratio over the rounds with its quartiles, next to each engine's median
 * images/s. JMH's EngineBenchmark measures the engines one fork after another, minutes apart, and its ratios carry
 * the host's drift between them (single iterations on this host differed by up to 40%).
 *
 * <p>Usage: {@code PairedEngineBench [models, comma-separated] [batches] [rounds] [seconds per engine and round]
 * [warm-up seconds per engine]}; defaults {@code squeezenet,mobilenetv2,resnet18 1,32 15 1.0 6}.
 * Run through {@code scripts/paired-bench.sh}.
 */
public final class PairedEngineBench {

    /** The ratios reported, as {numerator, denominator} engines. */
    private static final String[][] RATIOS = {
        {"ours-int8", "ours-fp32"}, {"ours-fp32", "ort-fp32"}, {"ours-int8", "ort-int8"}, {"ort-int8", "ort-fp32"}};

    private PairedEngineBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> models = List.of((args.length > 0 ? args[0] : String.join(",", BenchEngine.MODELS)).split(","));
        int[] batches = Arrays.stream((args.length > 1 ? args[1] : "1,32").split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 1.0;
        double warm = args.length > 4 ? Double.parseDouble(args[4]) : 6;
        if (rounds < 1 || seconds <= 0 || warm < 0) throw new IllegalArgumentException("rounds >= 1, seconds > 0, warm-up >= 0");
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-12s %5s  %-34s %-34s %-34s %-34s", "model", "batch",
            "ours-fp32 | ours-int8 img/s", "ort-fp32 | ort-int8 img/s", label(RATIOS[0]) + " | " + label(RATIOS[1]),
            label(RATIOS[2]) + " | " + label(RATIOS[3])));
        for (String model : models) {
            for (int batch : batches) {
                lines.add(measure(model, batch, rounds, seconds, warm));
                System.out.println(lines.get(lines.size() - 1));
            }
        }
        System.out.printf(Locale.ROOT, "%nPaired rounds: %d per row, %.1f s per engine per round; medians [quartiles]%n", rounds, seconds);
        lines.forEach(System.out::println);
    }

    private static String label(String[] r) {
        return r[0] + "/" + r[1];
    }

    private static String measure(String model, int batch, int rounds, double seconds, double warm) throws Exception {
        List<BenchEngine> engines = new ArrayList<>();
        try {
            for (String e : BenchEngine.ENGINES) engines.add(new BenchEngine(model, e, batch));
            int n = engines.size();
            // Warm-up, interleaved too: the JIT and the Vector API kernels need seconds, ORT's first runs allocate.
            for (int w = 0; w < 3; w++) for (BenchEngine e : engines) timeFor(e, warm / 3);
            double[][] speed = new double[n][rounds];  // images/s, engine x round
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < n; i++) {
                    int e = (r + i) % n;
                    speed[e][r] = timeFor(engines.get(e), seconds) * batch;
                }
                System.err.printf(Locale.ROOT, "  %s batch %d round %d: %s%n", model, batch, r + 1, roundLine(speed, r));
            }
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-12s %5d  ", model, batch));
            sb.append(String.format(Locale.ROOT, "%-34s %-34s ",
                quartiles(speed[0], 1) + " | " + quartiles(speed[1], 1), quartiles(speed[2], 1) + " | " + quartiles(speed[3], 1)));
            for (int p = 0; p < RATIOS.length; p += 2) {
                sb.append(String.format(Locale.ROOT, "%-34s ", ratio(speed, RATIOS[p]) + " | " + ratio(speed, RATIOS[p + 1])));
            }
            return sb.toString().stripTrailing();
        } finally {
            for (BenchEngine e : engines) e.close();
        }
    }

    private static String roundLine(double[][] speed, int r) {
        StringBuilder sb = new StringBuilder();
        for (int e = 0; e < speed.length; e++) {
            sb.append(String.format(Locale.ROOT, "%s %.1f  ", BenchEngine.ENGINES.get(e), speed[e][r]));
        }
        return sb.toString().stripTrailing();
    }

    private static String ratio(double[][] speed, String[] pair) {
        double[] a = speed[BenchEngine.ENGINES.indexOf(pair[0])], b = speed[BenchEngine.ENGINES.indexOf(pair[1])];
        double[] q = new double[a.length];
        for (int r = 0; r < a.length; r++) q[r] = a[r] / b[r];
        return quartiles(q, 2);
    }

    /** "median [q1-q3]" with the given decimals (linear interpolation between order statistics). */
    static String quartiles(double[] v, int decimals) {
        double[] s = v.clone();
        Arrays.sort(s);
        String f = "%." + decimals + "f";
        return String.format(Locale.ROOT, f + " [" + f + "-" + f + "]", quantile(s, 0.5), quantile(s, 0.25), quantile(s, 0.75));
    }

    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /** Batches per second over at least the given period (whole batches). */
    private static double timeFor(BenchEngine e, double seconds) throws Exception {
        long start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        int runs = 0;
        long now;
        do {
            e.run();
            runs++;
            now = System.nanoTime();
        } while (now < end);
        return runs / ((now - start) / 1e9);
    }
}
