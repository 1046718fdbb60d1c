package org.quantlake.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.kernels.KernelProvider;
import org.quantlake.core.ptq.PostTrainingQuantizer;
import org.quantlake.core.ptq.QConfig;
import org.quantlake.core.ptq.QuantizedModel;
import org.quantlake.core.qdq.QdqLowering;
import org.quantlake.core.testutil.ModelZoo;

/**
 * A micro-batched engine runs a batch as consecutive parts: its outputs are exactly those of the parts run one by one
 * (the last part shorter), observers see the whole batch unsplit, and bad inputs are refused as for a whole batch.
 */
class MicroBatchTest {

    private static CompiledModel engine(Graph g, int micro) {
        return new CompiledModel(g, KernelProvider.floatKernels(), KernelProvider.int8Kernels(), true, micro);
    }

    @Test
    void partsGiveTheSameBitsAsRunningThemOneByOne() {
        Graph g = ModelZoo.mobilenetV2(32, 5);
        CompiledModel split = engine(g, 4), whole = engine(g, 0);
        int batch = 10, per = 3 * 32 * 32;
        float[] x = ModelZoo.randomImages(batch, 32, 9);
        float[] got = split.newSession().run(x, batch);
        List<Float> want = new ArrayList<>();
        InferenceSession s = whole.newSession();
        for (int from = 0; from < batch; from += 4) {
            int n = Math.min(4, batch - from);
            for (float v : s.run(java.util.Arrays.copyOfRange(x, from * per, (from + n) * per), n)) want.add(v);
        }
        float[] w = new float[want.size()];
        for (int i = 0; i < w.length; i++) w[i] = want.get(i);
        assertArrayEquals(w, got);
    }

    @Test
    void theInt8EngineRunsInPartsOfFourWithTheSameBytesAsWhole() {
        Graph g = ModelZoo.mobilenetV2(32, 5);
        List<float[]> calib = List.of(ModelZoo.randomImages(2, 32, 1), ModelZoo.randomImages(2, 32, 2));
        Graph qdq = new PostTrainingQuantizer(g, QConfig.defaults()).quantize(calib, "micro-batch test").qdqGraph();
        CompiledModel split = QuantizedModel.int8Engine(qdq);
        assertEquals(4, split.microBatch());
        CompiledModel whole = new CompiledModel(QdqLowering.lower(qdq), KernelProvider.floatKernels(),
                KernelProvider.int8Kernels(), false, 0);
        float[] x = ModelZoo.randomImages(10, 32, 9);
        // Integer kernels do not depend on the batch: parts of 4, 4 and 2 equal the batch of 10 run whole.
        assertArrayEquals(whole.newSession().run(x, 10), split.newSession().run(x, 10));
    }

    @Test
    void observersSeeTheWholeBatch() {
        CompiledModel split = engine(ModelZoo.mobilenetV2(32, 5), 4);
        InferenceSession s = split.newSession();
        List<Integer> batches = new ArrayList<>();
        s.setObserver((name, t) -> batches.add(t.shape()[0]));
        s.run(ModelZoo.randomImages(10, 32, 9), 10);
        assertEquals(List.of(10), batches.stream().distinct().toList());
    }

    @Test
    void badInputsAreRefusedAsForAWholeBatch() {
        CompiledModel split = engine(ModelZoo.mobilenetV2(32, 5), 4);
        InferenceSession s = split.newSession();
        assertThrows(IllegalArgumentException.class, () -> s.run(new float[3 * 32 * 32 * 10 - 1], 10));
        assertThrows(IllegalArgumentException.class, () -> s.run(Map.of("nope", new float[1]), 10));
    }
}
