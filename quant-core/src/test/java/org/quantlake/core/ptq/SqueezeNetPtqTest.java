package org.quantlake.core.ptq;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.engine.InferenceSession;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.ValueInfo;
import org.quantlake.core.onnx.OnnxModelReader;
import org.quantlake.core.onnx.OnnxModelWriter;
import org.quantlake.core.testutil.Assets;
import org.quantlake.core.testutil.Compare;
import org.quantlake.core.testutil.ImageNetSamples;
import org.quantlake.core.testutil.Ort;

/**
 * SqueezeNet 1.1 calibrated on 200 of the 1,000 sample images (every 5th) and evaluated on all 1,000 (or the first
 * {@code -Dql.eval.images=N}), for every calibration method; then the exported QDQ file against ONNX Runtime.
 */
class SqueezeNetPtqTest {
    private static final int EVAL = Integer.getInteger("ql.eval.images", 1000);

    static float[][] fp32Outputs(CompiledModel m, ImageNetSamples d, int n) {
        InferenceSession s = m.newSession();
        float[][] out = new float[n][];
        for (int from = 0; from < n; from += 10) {
            int to = Math.min(n, from + 10);
            float[] o = s.run(d.batch(from, to), to - from);
            for (int i = from; i < to; i++) out[i] = java.util.Arrays.copyOfRange(o, (i - from) * 1000, (i - from + 1) * 1000);
        }
        return out;
    }

    static QuantizedModel quantize(Graph g, QConfig cfg, ImageNetSamples d) {
        List<float[]> calib = new ArrayList<>();
        for (int i = 0; i < d.size(); i += 5) calib.add(d.inputs[i]);
        return new PostTrainingQuantizer(g, cfg).quantize(calib, "ImageNet sample images, every 5th (200)");
    }

    /** Top-1 agreement with fp32 and top-1 accuracy vs labels of the int8 engine on the first n images. */
    static double[] evaluate(QuantizedModel qm, float[][] fp32, ImageNetSamples d, int n) {
        InferenceSession s = qm.int8Engine().newSession();
        int agree = 0;
        int correct = 0;
        for (int from = 0; from < n; from += 10) {
            int to = Math.min(n, from + 10);
            float[] o = s.run(d.batch(from, to), to - from);
            for (int i = from; i < to; i++) {
                int top = Compare.argmax(o, (i - from) * 1000, 1000);
                if (top == Compare.argmax(fp32[i], 0, 1000)) agree++;
                if (top == d.labels[i]) correct++;
            }
        }
        return new double[] {(double) agree / n, (double) correct / n};
    }

    @Test
    void everyMethodAndTheExportedFileAgainstOrt() throws Exception {
        Graph g = OnnxModelReader.read(Assets.squeezenet());
        ImageNetSamples d = ImageNetSamples.squeezenetInputs();
        int n = Math.min(EVAL, d.size());
        float[][] fp32 = fp32Outputs(new CompiledModel(g), d, n);
        int fp32Correct = 0;
        for (int i = 0; i < n; i++) if (Compare.argmax(fp32[i], 0, 1000) == d.labels[i]) fp32Correct++;
        System.out.printf("SqueezeNet fp32 top-1 vs labels: %.3f on %d images%n", (double) fp32Correct / n, n);

        Map<String, QConfig> configs = new LinkedHashMap<>();
        configs.put("minmax per-tensor", QConfig.defaults().withWeightPerChannel(false));
        for (CalibrationMethod m : CalibrationMethod.values()) configs.put(m.label() + " per-channel", QConfig.defaults().withMethod(m));
        // GPTQ weight rounding on the methods that do best with nearest rounding
        for (CalibrationMethod m : new CalibrationMethod[] {CalibrationMethod.MINMAX, CalibrationMethod.HISTOGRAM_L2, CalibrationMethod.HISTOGRAM_MSE}) {
            configs.put(m.label() + " per-channel gptq", QConfig.defaults().withMethod(m).withWeightRounding(WeightRounding.GPTQ));
        }
        // The pooled logits feed a float Softmax: quantizing them to uint8 (a step of about 0.19 here) ties close
        // classes, and argmax then takes the lower index. Keeping that one pool in float (an exclusion) avoids it.
        configs.put("histogram-mse per-channel gptq, GlobalAveragePool in float", QConfig.defaults().withMethod(CalibrationMethod.HISTOGRAM_MSE)
                .withWeightRounding(WeightRounding.GPTQ).exclude("GlobalAveragePool"));
        Map<String, Double> agreement = new LinkedHashMap<>();
        double best = 0;
        String bestName = null;
        QuantizedModel bestModel = null;
        for (Map.Entry<String, QConfig> e : configs.entrySet()) {
            QuantizedModel qm = quantize(g, e.getValue(), d);
            double[] r = evaluate(qm, fp32, d, n);
            System.out.printf("SqueezeNet int8 %-32s agreement with fp32 %.3f, top-1 vs labels %.3f%n", e.getKey(), r[0], r[1]);
            agreement.put(e.getKey(), r[0]);
            if (r[0] > best) {
                best = r[0];
                bestName = e.getKey();
                bestModel = qm;
            }
        }
        System.out.printf("best method: %s (agreement %.3f)%n", bestName, best);
        // The target is 0.98; what ONNX Runtime's quantize_static reaches on the same images is 0.926
        // (minmax per-tensor) to 0.953 (percentile per-channel). We measure 0.971 with the best method on all 1,000
        // images, which beats that anchor but not the target: this bound guards against regressions (0.95 leaves
        // room for noise on subsets), it does not claim the target is met.
        assertTrue(best >= 0.95, "best agreement " + best + " (" + bestName + ") fell below ONNX Runtime's own anchor");
        if (n == 1000) {
            // GPTQ measured 0.965 (l2), 0.966 (mse), 0.952 (minmax) against 0.953, 0.956, 0.954 with nearest rounding:
            // it must keep a clear gain on the best method (0.005 is about the spread of equivalent variants)
            double gain = agreement.get("histogram-l2 per-channel gptq") - agreement.get("histogram-l2 per-channel");
            assertTrue(gain >= 0.005, "GPTQ gained only " + gain + " on histogram-l2");
            // measured 0.971 against 0.966: float logits no longer tie
            double untied = agreement.get("histogram-mse per-channel gptq, GlobalAveragePool in float") - agreement.get("histogram-mse per-channel gptq");
            assertTrue(untied >= 0.003, "the float pool gained only " + untied);
        }

        // the exported artifact: size, and ONNX Runtime against our int8 engine
        byte[] file = bestModel.toBytes();
        long floatSize = Files.size(Assets.squeezenet());
        System.out.printf("SqueezeNet QDQ file %d bytes = %.3f x float (%d)%n", file.length, (double) file.length / floatSize, floatSize);
        assertTrue(file.length <= 0.27 * floatSize, "QDQ file " + file.length + " bytes vs float " + floatSize);
        compareWithOrt(bestModel, d, Math.min(n, 200));

        // where the best model's remaining error comes from, on 200 images the calibration did not see
        List<float[]> heldOut = new ArrayList<>();
        for (int i = 2; i < n; i += 5) heldOut.add(d.inputs[i]);
        ActivationSensitivity.Report r = ActivationSensitivity.measure(bestModel, g, heldOut, "pool10_1");
        System.out.printf("SqueezeNet %s: error of the pooled logits with one activation group at a time left in float32 (%d held-out images)%n%s",
                bestName, heldOut.size(), r.table());
        assertTrue(r.weightsOnly().outputMse() < r.quantized().outputMse());
    }

    /**
     * Compares at the last quantized tensor (the pooled logits before the float Softmax, or the last conv's output when
     * the pool runs in float) and at the output.
     */
    static void compareWithOrt(QuantizedModel qm, ImageNetSamples d, int n) throws Exception {
        Graph q = qm.qdqGraph().copy();
        String last = null;
        for (var node : q.topologicalOrder()) {
            if (node.opType().equals("QuantizeLinear") && !q.isConstant(node.input(0))) last = node.input(0);
        }
        float scale = 0;
        for (CalibratedStats.Entry e : qm.stats().entries().values()) {
            if (e.values().contains(last)) scale = e.qparams().scale();
        }
        String pooled = null;
        for (var node : q.nodes()) {
            if (node.opType().equals("DequantizeLinear") && node.input(0).startsWith(last)) pooled = node.output(0);
        }
        assertNotNull(pooled, "no dequantized " + last + " in the QDQ graph");
        assertTrue(scale > 0, "no qparams for " + last);
        q.addOutput(new ValueInfo(pooled, ElemType.FLOAT, null, null));
        byte[] bytes = OnnxModelWriter.toBytes(q);
        InferenceSession ours = QuantizedModel.int8Engine(q).newSession();
        long within = 0;
        long exact = 0;
        long total = 0;
        double maxProbDiff = 0;
        int top1Agree = 0;
        try (Ort ort = new Ort(bytes)) {
            for (int i = 0; i < n; i++) {
                Map<String, float[]> in = Map.of(q.inputs().get(0).name(), d.inputs[i]);
                Map<String, float[]> o = ours.run(in, 1);
                Map<String, float[]> r = ort.run(in, Map.of(q.inputs().get(0).name(), new long[] {1, 3, 224, 224}));
                float[] a = o.get(pooled);
                float[] b = r.get(pooled);
                for (int j = 0; j < a.length; j++) {
                    float diff = Math.abs(a[j] - b[j]);
                    if (diff <= scale * 1.0001f) within++;
                    if (diff == 0) exact++;
                    total++;
                }
                float[] pa = o.get("softmaxout_1");
                float[] pb = r.get("softmaxout_1");
                for (int j = 0; j < pa.length; j++) maxProbDiff = Math.max(maxProbDiff, Math.abs(pa[j] - pb[j]));
                if (Compare.argmax(pa, 0, 1000) == Compare.argmax(pb, 0, 1000)) top1Agree++;
            }
        }
        System.out.printf("SqueezeNet int8 vs ORT on our QDQ file (%d images): %d/%d values of " + last + " within 1 LSB (%.4f%%), %d bit-exact (%.4f%%); "
                + "max |softmax diff| %.3g; top-1 agreement %d/%d%n", n, within, total, 100.0 * within / total, exact, 100.0 * exact / total,
                maxProbDiff, top1Agree, n);
        assertTrue(within >= 0.999 * total, within + "/" + total + " within 1 LSB");
    }
}
