package org.quantlake.core.ptq;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.testutil.GraphBuilder;

/**
 * {@link Calibrator#observe(CalibrationState, float[], int, int)}: with the engine batch size fixed and short batches
 * padded, the merged state depends only on the set of samples, not on how they were cut into pieces (a Spark
 * partition's short last batch), their order, or what the padding holds.
 */
class CalibratorFixedBatchTest {
    private static final int PER = 36;  // [1, 6, 6]

    /** Conv + Relu, Flatten, Gemm: the Gemm's rows are the batch, the shape whose kernel path depends on it. */
    static Graph model() {
        GraphBuilder b = new GraphBuilder(13, 3);
        b.input("x", 1, 1, 6, 6).random("w", 4, 1, 3, 3).random("cb", 4).random("g", 64, 10).random("gb", 10);
        b.op("Conv", "x", "w", "cb").out("c");
        b.op("Relu", "c").out("r");
        b.op("Flatten", "r").out("f").attr("axis", 1L);
        b.op("Gemm", "f", "g", "gb").out("y");
        b.output("y");
        return b.build();
    }

    static List<float[]> samples(int n, long seed) {
        Random r = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] s = new float[PER];
            for (int j = 0; j < PER; j++) s[j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(4) - 1));
            out.add(s);
        }
        return out;
    }

    /** Observes {@code piece} in batches of exactly {@code batch}, the last one padded with {@code pad}. */
    static void observePiece(Calibrator c, CalibrationState s, List<float[]> piece, int batch, float pad) {
        for (int from = 0; from < piece.size(); from += batch) {
            int n = Math.min(batch, piece.size() - from);
            float[] in = new float[batch * PER];
            Arrays.fill(in, pad);
            for (int i = 0; i < n; i++) System.arraycopy(piece.get(from + i), 0, in, i * PER, PER);
            c.observe(s, in, batch, n);
        }
    }

    static byte[] calibrate(PostTrainingQuantizer q, List<List<float[]>> pieces, int batch, float pad, boolean histogram) {
        Calibrator c = q.calibrator();
        CalibrationState merged = c.newRangeState();
        for (List<float[]> p : pieces) {
            CalibrationState s = c.newRangeState();
            observePiece(c, s, p, batch, pad);
            merged.merge(s);
        }
        if (!histogram) return merged.toBytes();
        CalibrationState h = c.newSecondPassState(merged);
        for (List<float[]> p : pieces) {
            CalibrationState s = c.newSecondPassState(merged);
            observePiece(c, s, p, batch, pad);
            h.merge(s);
        }
        return h.toBytes();
    }

    @ParameterizedTest(name = "{0}, batch {1}")
    @CsvSource({"minmax, 8", "minmax, 9", "mean-minmax, 5", "kl, 8", "kl, 1", "percentile, 9"})
    void piecesOrderAndPaddingDoNotChangeTheState(String method, int batch) {
        CalibrationMethod m = CalibrationMethod.parse(method);
        PostTrainingQuantizer q = new PostTrainingQuantizer(model(), QConfig.defaults().withMethod(m));
        List<float[]> all = samples(61, 5);
        byte[] reference = calibrate(q, List.of(all), batch, 0f, m.usesHistogram());
        assertEquals(61, CalibrationState.fromBytes(reference).samples());

        Random r = new Random(17);
        for (int trial = 0; trial < 6; trial++) {
            List<float[]> shuffled = new ArrayList<>(all);
            Collections.shuffle(shuffled, r);
            int pieces = 1 + r.nextInt(12);
            List<List<float[]>> cut = new ArrayList<>();
            for (int p = 0; p < pieces; p++) cut.add(new ArrayList<>());
            for (float[] s : shuffled) cut.get(r.nextInt(pieces)).add(s);
            // huge padding values would dominate min/max if they leaked into the observers
            float pad = trial % 2 == 0 ? 1e30f : -7f;
            assertArrayEquals(reference, calibrate(q, cut, batch, pad, m.usesHistogram()),
                    "trial " + trial + ": " + pieces + " pieces, padding " + pad);
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 4", "5, 4", "-1, 4"})
    void refusesSampleCountsOutsideTheBatch(int samples, int batch) {
        PostTrainingQuantizer q = new PostTrainingQuantizer(model(), QConfig.defaults());
        CalibrationState s = q.calibrator().newRangeState();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> q.calibrator().observe(s, new float[batch * PER], batch, samples));
        assertTrue(e.getMessage().contains("samples must be in [1, " + batch + "]"), e.getMessage());
    }
}
