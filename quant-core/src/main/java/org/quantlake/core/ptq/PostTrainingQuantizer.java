package org.quantlake.core.ptq;

import java.util.LinkedHashMap;
import java.util.Map;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.onnx.OnnxModelWriter;

/**
 * Static post-training quantization in one JVM, the PyTorch workflow for ONNX models: fuse, attach observers,
 * calibrate, convert. (The Spark job runs the same pieces with calibration spread over executors.)
 * <pre>
 *   PostTrainingQuantizer q = new PostTrainingQuantizer(floatGraph, QConfig.defaults());
 *   CalibrationState s = q.calibrator().newRangeState();
 *   for (batch : data) q.calibrator().observe(s, batch, n);
 *   ...pass 2 when q.plan().needsSecondPass()...
 *   QuantizedModel m = q.convert(s, pass2, "imagenet samples, every 5th");
 * </pre>
 */
public final class PostTrainingQuantizer {
    /** The tool version recorded in provenance. */
    public static final String VERSION = "0.1.0";

    private final Graph source;
    private final QuantizationPlan plan;
    private final Calibrator calibrator;

    public PostTrainingQuantizer(Graph floatGraph, QConfig config) {
        this.source = floatGraph;
        this.plan = QuantizationPlan.of(Fusion.fuse(floatGraph), config);
        this.calibrator = new Calibrator(plan);
    }

    public QuantizationPlan plan() { return plan; }

    public Calibrator calibrator() { return calibrator; }

    /** Converts with merged statistics ({@code histograms} may be null for one-pass methods). */
    public QuantizedModel convert(CalibrationState ranges, CalibrationState histograms, String datasetDescription) {
        CalibratedStats stats = CalibratedStats.choose(plan, ranges, histograms);
        Graph qdq = Converter.toQdq(plan, stats, provenance(stats, datasetDescription));
        return new QuantizedModel(qdq, stats);
    }

    /** What every exported model records about itself in metadata_props (no timestamps: artifacts are reproducible). */
    Map<String, String> provenance(CalibratedStats stats, String dataset) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quantlake.version", VERSION);
        p.put("quantlake.qconfig", plan.config().describe());
        p.put("quantlake.calibration.method", plan.config().method().label());
        p.put("quantlake.calibration.samples", Long.toString(stats.samples()));
        p.put("quantlake.calibration.dataset", dataset == null ? "" : dataset);
        p.put("quantlake.calibration.stats_sha256", stats.digest());
        p.put("quantlake.source.sha256", CalibrationState.sha256(OnnxModelWriter.toBytes(source)));
        p.put("quantlake.source.producer", (source.producerName() + " " + source.producerVersion()).trim());
        p.put("quantlake.format", "QDQ; activations " + plan.config().activationDtype() + ", weights QINT8 "
                + (plan.config().weightPerChannel() ? "per-channel" : "per-tensor") + ", biases QINT32");
        return p;
    }

    /** Convenience: calibrates on batches of the first input (each a whole number of samples), with pass 2 when needed. */
    public QuantizedModel quantize(Iterable<float[]> batches, String dataset) {
        int per = calibrator.model().sampleSize(calibrator.model().inputName());
        CalibrationState r = calibrator.newRangeState();
        for (float[] b : batches) calibrator.observe(r, b, b.length / per);
        CalibrationState h = null;
        if (plan.needsSecondPass()) {
            h = calibrator.newSecondPassState(r);
            for (float[] b : batches) calibrator.observe(h, b, b.length / per);
        }
        return convert(r, h, dataset);
    }
}
