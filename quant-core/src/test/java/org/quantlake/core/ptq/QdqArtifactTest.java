package org.quantlake.core.ptq;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.onnx.OnnxModelReader;
import org.quantlake.core.testutil.Compare;
import org.quantlake.core.testutil.ModelZoo;
import org.quantlake.core.testutil.Ort;

/**
 * The exported QDQ file is a standard artifact: structure (opset, int8 per-channel weights, int32 biases, Q/DQ
 * pairs), provenance, reproducible bytes, exact merging of calibrators, and ONNX Runtime agreement on the
 * ResNet-18- and MobileNetV2-shaped models (residual QAdd, fused ReLU6, depthwise QConv, GAP, Gemm).
 */
class QdqArtifactTest {
    static final int SIZE = 64;

    static List<float[]> batches(int count, int n, long seed) {
        List<float[]> b = new ArrayList<>();
        for (int i = 0; i < count; i++) b.add(ModelZoo.randomImages(n, SIZE, seed + i));
        return b;
    }

    @Test
    void structureProvenanceAndReproducibility() {
        Graph g = ModelZoo.resnet18(SIZE, 3);
        QuantizedModel a = new PostTrainingQuantizer(g, QConfig.defaults()).quantize(batches(3, 2, 10), "random images");
        QuantizedModel b = new PostTrainingQuantizer(g, QConfig.defaults()).quantize(batches(3, 2, 10), "random images");
        assertArrayEquals(a.toBytes(), b.toBytes(), "same model, config and data must give the same bytes");
        Graph q = OnnxModelReader.read(a.toBytes(), "qdq", null);
        assertTrue(q.opset() >= 13);
        int convs = 0;
        for (Node n : q.nodes()) {
            if (!n.opType().equals("Conv")) continue;
            convs++;
            Node wdq = q.producer(n.input(1));
            assertEquals("DequantizeLinear", wdq.opType(), n.name());
            assertEquals(ElemType.INT8, q.initializers().get(wdq.input(0)).type());
            assertEquals(0, wdq.attrInt("axis", 1), "per-channel weights on the output-channel axis");
            TensorData scales = q.initializers().get(wdq.input(1));
            assertEquals(q.initializers().get(wdq.input(0)).dim(0), scales.size());
            Node bdq = q.producer(n.input(2));
            assertEquals(ElemType.INT32, q.initializers().get(bdq.input(0)).type());
            assertEquals("DequantizeLinear", q.producer(n.input(0)).opType(), "activation input comes through DQ");
        }
        assertEquals(20, convs);
        assertEquals("0.1.0", q.metadata().get("quantlake.version"));
        assertEquals("minmax", q.metadata().get("quantlake.calibration.method"));
        assertEquals("6", q.metadata().get("quantlake.calibration.samples"));
        assertEquals(a.stats().digest(), q.metadata().get("quantlake.calibration.stats_sha256"));
        assertTrue(q.metadata().get("quantlake.qconfig").contains("per-channel"));
        for (Node n : q.nodes()) assertFalse(n.domain().equals("org.quantlake"), "internal ops must never be exported");
    }

    @Test
    void calibratorsMergeExactly() {
        Graph g = ModelZoo.mobilenetV2(SIZE, 4);
        List<QConfig> configs = new ArrayList<>();
        for (CalibrationMethod m : new CalibrationMethod[] {CalibrationMethod.MINMAX, CalibrationMethod.MEAN_MINMAX, CalibrationMethod.HISTOGRAM_KL}) {
            configs.add(QConfig.defaults().withMethod(m));
        }
        // GPTQ's second pass (input Gram matrices of the pointwise convs and the Gemm), alone and with histograms
        configs.add(QConfig.defaults().withWeightRounding(WeightRounding.GPTQ));
        configs.add(QConfig.defaults().withMethod(CalibrationMethod.HISTOGRAM_KL).withWeightRounding(WeightRounding.GPTQ));
        for (QConfig cfg : configs) {
            String m = cfg.describe();
            PostTrainingQuantizer p = new PostTrainingQuantizer(g, cfg);
            Calibrator c = p.calibrator();
            List<float[]> data = batches(4, 3, 20);
            CalibrationState whole = c.newRangeState();
            for (float[] x : data) c.observe(whole, x, 3);
            // two "executors" with different batching, merged in reverse order
            CalibrationState left = c.newRangeState();
            CalibrationState right = c.newRangeState();
            c.observe(left, data.get(0), 3);
            c.observe(left, data.get(1), 3);
            for (int i = 2; i < 4; i++) {
                float[] x = data.get(i);
                int per = x.length / 3;
                for (int s = 0; s < 3; s++) c.observe(right, java.util.Arrays.copyOfRange(x, s * per, (s + 1) * per), 1);
            }
            CalibrationState merged = CalibrationState.fromBytes(right.toBytes()).merge(CalibrationState.fromBytes(left.toBytes()));
            assertArrayEquals(whole.toBytes(), merged.toBytes(), m + ": merged calibration differs from the whole");
            if (p.plan().needsSecondPass()) {
                CalibrationState h1 = c.newSecondPassState(whole);
                for (float[] x : data) c.observe(h1, x, 3);
                CalibrationState h2a = c.newSecondPassState(merged);
                CalibrationState h2b = c.newSecondPassState(merged);
                c.observe(h2a, data.get(3), 3);
                for (int i = 0; i < 3; i++) c.observe(h2b, data.get(i), 3);
                assertArrayEquals(h1.toBytes(), h2a.merge(h2b).toBytes(), m + ": second pass differs");
                assertArrayEquals(p.convert(whole, h1, "x").toBytes(), p.convert(merged, h2a, "x").toBytes());
                if (cfg.weightRounding() == WeightRounding.GPTQ) {
                    assertFalse(h1.grams().isEmpty(), m + ": no Gram matrices gathered");
                    assertEquals(p.plan().gptqNodes(), h1.grams().keySet());
                    assertTrue(p.plan().gptqNodes().stream().anyMatch(n -> g.node(n).opType().equals("Gemm")), "the Gemm is rounded by GPTQ");
                    // GPTQ moved some weights off their nearest grid point
                    PostTrainingQuantizer nearest = new PostTrainingQuantizer(g, cfg.withWeightRounding(WeightRounding.NEAREST));
                    CalibrationState hn = nearest.plan().needsSecondPass() ? nearest.calibrator().newSecondPassState(whole) : null;
                    if (hn != null) for (float[] x : data) nearest.calibrator().observe(hn, x, 3);
                    assertFalse(java.util.Arrays.equals(nearest.convert(whole, hn, "x").toBytes(), p.convert(whole, h1, "x").toBytes()),
                            m + ": GPTQ gave the nearest-rounded weights");
                    if (hn != null) {
                        // set aside, the Gram matrices leave exactly the state a nearest-rounding calibration gathers
                        assertArrayEquals(hn.toBytes(), h1.retainingGrams(java.util.Set.of()).toBytes(), m);
                    }
                    assertThrows(IllegalArgumentException.class, () -> h1.retainingGrams(java.util.Set.of("no such layer")));
                }
            } else {
                assertArrayEquals(p.convert(whole, null, "x").toBytes(), p.convert(merged, null, "x").toBytes());
            }
        }
    }

    @Test
    void zooModelsAgreeWithOrt() throws Exception {
        for (Graph g : List.of(ModelZoo.resnet18(SIZE, 5), ModelZoo.mobilenetV2(SIZE, 6))) {
            QuantizedModel qm = new PostTrainingQuantizer(g, QConfig.defaults()).quantize(batches(4, 4, 30), "random images");
            byte[] file = qm.toBytes();
            CompiledModel int8 = qm.int8Engine();
            long lowered = int8.graph().nodes().stream().filter(n -> n.domain().equals("org.quantlake")).count();
            float[] x = ModelZoo.randomImages(4, SIZE, 99);
            float[] ours = int8.newSession().run(x, 4);
            long within = 0;
            long total = 0;
            int agree = 0;
            // the output is the dequantized Gemm result: 1 LSB is its scale
            float scale = 0;
            for (CalibratedStats.Entry e : qm.stats().entries().values()) if (e.values().contains(g.outputs().get(0).name())) scale = e.qparams().scale();
            assertTrue(scale > 0);
            try (Ort ort = new Ort(file)) {
                int per = x.length / 4;
                for (int i = 0; i < 4; i++) {
                    float[] ref = ort.run(java.util.Arrays.copyOfRange(x, i * per, (i + 1) * per), new long[] {1, 3, SIZE, SIZE});
                    for (int j = 0; j < 1000; j++) {
                        if (Math.abs(ref[j] - ours[i * 1000 + j]) <= scale * 1.0001f) within++;
                        total++;
                    }
                    if (Compare.argmax(ref, 0, 1000) == Compare.argmax(ours, i * 1000, 1000)) agree++;
                }
            }
            System.out.printf("%s int8 vs ORT: %d/%d outputs within 1 LSB, top-1 %d/4; %d int8 nodes after lowering%n",
                    g.name(), within, total, agree, lowered);
            assertTrue(within >= 0.999 * total, g.name() + ": " + within + "/" + total);
            assertTrue(lowered >= 20, g.name() + ": only " + lowered + " nodes ran in int8");
        }
    }
}
