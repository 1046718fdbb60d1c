package org.quantlake.core.observe;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quantlake.core.quant.QParams;
import org.quantlake.core.quant.QParamsCalculator;
import org.quantlake.core.quant.QuantSpec;
import org.quantlake.core.testutil.Samples;

/**
 * The heart of distributed calibration: observing a data set whole, or split into 1..64 pieces (any sizes,
 * including empty ones) observed separately in batches of any size and merged in a random order and tree
 * shape, must give a bit-identical state and bit-identical qparams.
 */
class SplitAndMergeTest {
    private static final int C = 3;
    private static final int H = 4;
    private static final int W = 5;

    enum Kind { MIN_MAX, PER_CHANNEL, MEAN_MIN_MAX, HISTOGRAM }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Kind k : Kind.values()) {
            for (long seed = 1; seed <= 12; seed++) out.add(Arguments.of(k, seed));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void anySplitAnyMergeOrderGivesTheWholeState(Kind kind, long seed) {
        Random r = new Random(seed * 7919);
        int n = 1 + r.nextInt(300);
        List<float[]> samples = Samples.make(seed, n, C, H, W, seed % 2 == 0);
        Supplier<Observer> fresh = factory(kind, samples);

        Observer whole = fresh.get();
        whole.observe(Samples.batch(samples, 0, n, C, H, W));

        // the same data fed in engine batches of a random size must not change anything
        Observer batched = fresh.get();
        int bs = 1 + r.nextInt(17);
        for (int i = 0; i < n; i += bs) batched.observe(Samples.batch(samples, i, Math.min(n, i + bs), C, H, W));
        assertArrayEquals(whole.toBytes(), batched.toBytes(), "batching changed the state");

        for (int trial = 0; trial < 8; trial++) {
            int pieces = 1 + r.nextInt(64);
            // random cut points (duplicates allowed: empty pieces) over a random permutation of samples
            List<float[]> shuffled = new ArrayList<>(samples);
            java.util.Collections.shuffle(shuffled, r);
            int[] cuts = new int[pieces + 1];
            for (int p = 1; p < pieces; p++) cuts[p] = r.nextInt(n + 1);
            cuts[pieces] = n;
            Arrays.sort(cuts);
            List<Observer> states = new ArrayList<>();
            for (int p = 0; p < pieces; p++) {
                Observer o = fresh.get();
                int from = cuts[p];
                int to = cuts[p + 1];
                int pbs = 1 + r.nextInt(9);
                for (int i = from; i < to; i += pbs) o.observe(Samples.batch(shuffled, i, Math.min(to, i + pbs), C, H, W));
                // half the pieces travel through the serial form, as they do between Spark JVMs
                states.add(r.nextBoolean() ? Observer.fromBytes(o.toBytes()) : o);
            }
            Observer merged = mergeRandomTree(states, r);
            assertArrayEquals(whole.toBytes(), merged.toBytes(),
                    kind + ": " + pieces + " pieces merged differently from the whole (trial " + trial + ")");
            assertEquals(whole, merged);
            assertEquals(whole.counts(), merged.counts());
            assertEquals(qparams(kind, whole), qparams(kind, merged));
        }
    }

    /** Merges by repeatedly combining two random states, in a random orientation, until one is left. */
    static Observer mergeRandomTree(List<Observer> states, Random r) {
        List<Observer> work = new ArrayList<>(states);
        while (work.size() > 1) {
            Observer a = work.remove(r.nextInt(work.size()));
            Observer b = work.remove(r.nextInt(work.size()));
            Observer m = r.nextBoolean() ? a.copy().merge(b) : b.copy().merge(a);
            work.add(r.nextInt(work.size() + 1), m);
        }
        return work.get(0);
    }

    static Supplier<Observer> factory(Kind kind, List<float[]> samples) {
        return switch (kind) {
            case MIN_MAX -> MinMaxObserver::new;
            case PER_CHANNEL -> () -> new PerChannelMinMaxObserver(1);
            case MEAN_MIN_MAX -> MeanMinMaxObserver::new;
            case HISTOGRAM -> {
                // pass 1: global range; pass 2 counts on the grid it fixes
                MinMaxObserver pass1 = new MinMaxObserver();
                for (float[] s : samples) pass1.observe(s, 0, s.length);
                HistogramGrid grid = pass1.isEmpty() ? HistogramGrid.covering(0f, 0f, 256) : HistogramGrid.covering(pass1.min(), pass1.max(), 256);
                yield () -> new HistogramObserver(grid);
            }
        };
    }

    static List<QParams> qparams(Kind kind, Observer o) {
        if (o.isEmpty()) return List.of();
        QuantSpec u8 = QuantSpec.activationsU8();
        return switch (kind) {
            case PER_CHANNEL -> List.of(QParamsCalculator.fromRange(o.observedRange(), QuantSpec.weightsPerChannel(1)));
            case HISTOGRAM -> {
                HistogramObserver h = (HistogramObserver) o;
                List<QParams> all = new ArrayList<>();
                for (RangeMethod m : RangeMethod.values()) {
                    all.add(QParamsCalculator.fromRange(HistogramRangeSearch.choose(h, m, u8, 99.9), u8));
                }
                yield all;
            }
            default -> List.of(QParamsCalculator.fromRange(o.observedRange(), u8));
        };
    }
}
