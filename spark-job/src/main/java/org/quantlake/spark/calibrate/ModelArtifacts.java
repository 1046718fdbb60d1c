package org.quantlake.spark.calibrate;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.quantlake.core.ptq.CalibrationState;
import org.quantlake.core.ptq.PostTrainingQuantizer;
import org.quantlake.core.ptq.QConfig;
import org.quantlake.core.ptq.QuantizedModel;
import org.quantlake.spark.config.CalibrationSpec;
import org.quantlake.spark.io.HadoopFiles;
import org.quantlake.spark.io.Json;
import org.quantlake.spark.model.ModelFile;
import org.quantlake.spark.output.OutputLayout;

/**
 * The driver's conversion and the files it writes under {@code model/}: the QDQ ONNX model, the merged statistics
 * (binary, versioned: CalibrationState's serial form; and stats.json for people) and provenance.json.
 *
 * <p>Every file is written atomically, statistics first and provenance last, so provenance never describes files
 * that are not there. Re-running with the same data and options rewrites byte-identical model, state and stats
 * files; a stale pass-2 state from an earlier two-pass run is removed when the method has one pass.
 */
public final class ModelArtifacts {
    private ModelArtifacts() {
    }

    /** Converts the float model with merged statistics ({@code histograms} null for one-pass methods). */
    public static QuantizedModel convert(ModelFile floatModel, CalibrationSpec spec, byte[] ranges, byte[] histograms,
                                         String datasetDescription) {
        QConfig q = spec.qconfig();
        PostTrainingQuantizer ptq = new PostTrainingQuantizer(floatModel.graph(), q);
        if (ptq.plan().needsSecondPass() && histograms == null) {
            throw new IllegalArgumentException("calibration.method = " + spec.method().label()
                    + " needs histogram (pass 2) statistics, which the calibration did not produce");
        }
        return ptq.convert(CalibrationState.fromBytes(ranges),
                histograms == null ? null : CalibrationState.fromBytes(histograms), datasetDescription);
    }

    /**
     * Writes the artifacts and returns the provenance written.
     *
     * @param run facts about the run for provenance (app id, counts, ...), written under "run"
     */
    public static Map<String, Object> write(OutputLayout out, QuantizedModel model, ModelFile floatModel,
                                            CalibrationSpec spec, byte[] ranges, byte[] histograms,
                                            String datasetDescription, Map<String, Object> run, Configuration hadoop) {
        HadoopFiles.writeAtomically(out.rangeState(), ranges, hadoop);
        if (histograms != null) HadoopFiles.writeAtomically(out.histogramState(), histograms, hadoop);
        else HadoopFiles.deleteIfExists(out.histogramState(), hadoop);
        HadoopFiles.writeAtomically(out.statsJson(), model.stats().toJson().getBytes(StandardCharsets.UTF_8), hadoop);
        byte[] qdq = model.toBytes();
        HadoopFiles.writeAtomically(out.qdqModel(), qdq, hadoop);

        Map<String, Object> p = new LinkedHashMap<>();
        p.put("quantlake_version", PostTrainingQuantizer.VERSION);
        p.put("qconfig", spec.qconfig().describe());
        p.put("method", spec.method().label());
        p.put("samples", model.stats().samples());
        p.put("dataset", datasetDescription);
        p.put("sampling", Json.obj("fraction", spec.fraction(), "seed", spec.seed()));
        p.put("batch_size", spec.batchSize());
        p.put("stats_digest", model.stats().digest());
        p.put("float_model", Json.obj("source", floatModel.source(), "sha256", floatModel.sha256()));
        p.put("qdq_model", Json.obj("path", out.qdqModel(), "sha256", ModelFile.sha256(qdq)));
        Map<String, Object> states = new LinkedHashMap<>();
        states.put("pass1", Json.obj("path", out.rangeState(), "sha256", ModelFile.sha256(ranges)));
        if (histograms != null) states.put("pass2", Json.obj("path", out.histogramState(), "sha256", ModelFile.sha256(histograms)));
        p.put("calibration_states", states);
        p.put("run", run);
        HadoopFiles.writeAtomically(out.provenanceJson(), Json.write(p).getBytes(StandardCharsets.UTF_8), hadoop);
        return p;
    }
}
