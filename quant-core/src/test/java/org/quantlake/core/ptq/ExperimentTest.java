package org.quantlake.core.ptq;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.onnx.OnnxModelReader;
import org.quantlake.core.testutil.Assets;
import org.quantlake.core.testutil.ImageNetSamples;

class ExperimentTest {
    @Test
    void run() throws Exception {
        int n = Integer.getInteger("ql.eval.images", 200);
        Graph g = OnnxModelReader.read(Assets.squeezenet());
        ImageNetSamples d = ImageNetSamples.squeezenetInputs();
        float[][] fp32 = SqueezeNetPtqTest.fp32Outputs(new CompiledModel(g), d, n);
        Map<String, QConfig> configs = new LinkedHashMap<>();
        String which = System.getProperty("ql.exp", "pct,pct-nogap,kl,kl-nogap,mm-nogap");
        for (String w : which.split(",")) {
            QConfig c = switch (w) {
                case "pct" -> QConfig.defaults().withMethod(CalibrationMethod.HISTOGRAM_PERCENTILE);
                case "pct-nogap" -> QConfig.defaults().withMethod(CalibrationMethod.HISTOGRAM_PERCENTILE).exclude("GlobalAveragePool");
                case "kl" -> QConfig.defaults().withMethod(CalibrationMethod.HISTOGRAM_KL);
                case "kl-nogap" -> QConfig.defaults().withMethod(CalibrationMethod.HISTOGRAM_KL).exclude("GlobalAveragePool");
                case "mm-nogap" -> QConfig.defaults().exclude("GlobalAveragePool");
                case "mse-nogap" -> QConfig.defaults().withMethod(CalibrationMethod.HISTOGRAM_MSE).exclude("GlobalAveragePool");
                case "l2-nogap" -> QConfig.defaults().withMethod(CalibrationMethod.HISTOGRAM_L2).exclude("GlobalAveragePool");
                case "mean-nogap" -> QConfig.defaults().withMethod(CalibrationMethod.MEAN_MINMAX).exclude("GlobalAveragePool");
                default -> throw new IllegalArgumentException(w);
            };
            configs.put(w, c);
        }
        for (Map.Entry<String, QConfig> e : configs.entrySet()) {
            long t0 = System.nanoTime();
            QuantizedModel qm = SqueezeNetPtqTest.quantize(g, e.getValue(), d);
            double[] r = SqueezeNetPtqTest.evaluate(qm, fp32, d, n);
            System.out.printf("EXP %-12s agreement %.3f top1 %.3f (%.0f s)%n", e.getKey(), r[0], r[1], (System.nanoTime() - t0) / 1e9);
            if (Boolean.getBoolean("ql.exp.ranges")) {
                for (CalibratedStats.Entry x : qm.stats().entries().values()) {
                    System.out.printf("   %-28s obs [%.3f, %.3f] chosen [%.3f, %.3f]%n", x.group(), x.observed().min(0), x.observed().max(0), x.chosen().min(0), x.chosen().max(0));
                }
            }
        }
    }
}
