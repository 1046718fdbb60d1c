package org.quantlake.spark.testing;

import java.util.ArrayList;
import java.util.List;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.engine.InferenceSession;
import org.quantlake.core.ptq.CalibrationState;
import org.quantlake.core.ptq.Calibrator;
import org.quantlake.core.ptq.PostTrainingQuantizer;
import org.quantlake.core.ptq.QConfig;

/**
 * What quant-core computes on its own, without Spark, for the same rows: calibration in one loop and model outputs,
 * every forward pass at the job's fixed batch size (the contract the jobs promise to match bit for bit).
 */
public final class Reference {
    private Reference() {
    }

    /** Merged pass-1 and (for histogram methods, else null) pass-2 state bytes of {@code rows}, in one loop. */
    public static byte[][] calibrate(PostTrainingQuantizer q, List<float[]> rows, int batch) {
        Calibrator c = q.calibrator();
        CalibrationState ranges = c.newRangeState();
        observe(c, ranges, rows, batch);
        if (!q.plan().needsSecondPass()) return new byte[][] {ranges.toBytes(), null};
        CalibrationState h = c.newSecondPassState(ranges);
        observe(c, h, rows, batch);
        return new byte[][] {ranges.toBytes(), h.toBytes()};
    }

    private static void observe(Calibrator c, CalibrationState s, List<float[]> rows, int batch) {
        int per = rows.get(0).length;
        for (int from = 0; from < rows.size(); from += batch) {
            int n = Math.min(batch, rows.size() - from);
            float[] in = new float[batch * per];
            for (int i = 0; i < n; i++) System.arraycopy(rows.get(from + i), 0, in, i * per, per);
            c.observe(s, in, batch, n);
        }
    }

    /** Each row's outputs from {@code model} run in padded batches of {@code batch}. */
    public static List<float[]> outputs(CompiledModel model, List<float[]> rows, int batch) {
        InferenceSession s = model.newSession();
        int per = rows.get(0).length;
        List<float[]> out = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += batch) {
            int n = Math.min(batch, rows.size() - from);
            float[] in = new float[batch * per];
            for (int i = 0; i < n; i++) System.arraycopy(rows.get(from + i), 0, in, i * per, per);
            float[] o = s.run(in, batch);
            int classes = o.length / batch;
            for (int i = 0; i < n; i++) out.add(java.util.Arrays.copyOfRange(o, i * classes, (i + 1) * classes));
        }
        return out;
    }

    /** The quantizer of a float model under a config. */
    public static PostTrainingQuantizer quantizer(byte[] model, QConfig q) {
        return new PostTrainingQuantizer(org.quantlake.core.onnx.OnnxModelReader.read(model, "reference", null), q);
    }
}
