package org.quantlake.spark.output;

import java.io.Serializable;
import org.quantlake.spark.io.HadoopFiles;

/**
 * Where every output lives under the {@code output} root (documented in reference.conf and the README). One place,
 * so the jobs, the tests and the later report agree.
 */
public record OutputLayout(String root) implements Serializable {

    public String modelDir() {
        return HadoopFiles.resolve(root, "model");
    }

    /** The int8 QDQ model calibrate writes and score reads by default. */
    public String qdqModel() {
        return HadoopFiles.resolve(modelDir(), "model.qdq.onnx");
    }

    public String statsJson() {
        return HadoopFiles.resolve(modelDir(), "stats.json");
    }

    public String provenanceJson() {
        return HadoopFiles.resolve(modelDir(), "provenance.json");
    }

    /** The merged pass-1 (range) statistics, CalibrationState's versioned binary form. */
    public String rangeState() {
        return HadoopFiles.resolve(modelDir(), "calibration/pass1.state");
    }

    /** The merged pass-2 (histogram) statistics, for the two-pass methods. */
    public String histogramState() {
        return HadoopFiles.resolve(modelDir(), "calibration/pass2.state");
    }

    public String predictions() {
        return HadoopFiles.resolve(root, "predictions");
    }

    public String drift() {
        return HadoopFiles.resolve(root, "drift");
    }

    public String driftJson() {
        return HadoopFiles.resolve(root, "drift.json");
    }

    /** The self-contained HTML report of the last scoring run (all partitions of drift/, model/stats.json). */
    public String report() {
        return HadoopFiles.resolve(root, "report.html");
    }

    public String flipped() {
        return HadoopFiles.resolve(root, "flipped");
    }

    /** Rows a stage ("calibrate" or "score") could not use. */
    public String rejected(String stage) {
        return HadoopFiles.resolve(HadoopFiles.resolve(root, "_rejected"), stage);
    }
}
