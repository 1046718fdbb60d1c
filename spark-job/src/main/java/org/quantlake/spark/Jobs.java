package org.quantlake.spark;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.ptq.CalibrationState;
import org.quantlake.core.ptq.Calibrator;
import org.quantlake.core.ptq.PostTrainingQuantizer;
import org.quantlake.core.ptq.QuantizedModel;
import org.quantlake.spark.calibrate.CalibrationJob;
import org.quantlake.spark.calibrate.CalibrationResult;
import org.quantlake.spark.calibrate.ModelArtifacts;
import org.quantlake.spark.config.ConfigException;
import org.quantlake.spark.config.JobConfig;
import org.quantlake.spark.input.InputData;
import org.quantlake.spark.input.InputReader;
import org.quantlake.spark.io.HadoopFiles;
import org.quantlake.spark.model.ModelFile;
import org.quantlake.spark.model.ModelShape;
import org.quantlake.spark.output.OutputLayout;
import org.quantlake.spark.progress.JobLog;
import org.quantlake.spark.score.ScoringJob;

/**
 * The four commands as functions of a session and the job options: calibrate (then convert), convert from saved
 * statistics, score, and pipeline (calibrate, convert, score in one run). Each checks its options, models and input
 * schema before starting any Spark work.
 */
public final class Jobs {
    private Jobs() {
    }

    /** Calibrates and converts; returns the QDQ model written to {@code <output>/model/}. */
    public static ModelFile calibrate(JobContext ctx, JobConfig cfg) {
        Prepared p = prepare(ctx, cfg, "calibrate");
        return calibrate(ctx, cfg, p);
    }

    /** Scores with {@code scoring.quantized-model} (default: what calibrate wrote under the output root). */
    public static ScoringJob.Result score(JobContext ctx, JobConfig cfg) {
        OutputLayout out = new OutputLayout(cfg.requireOutput("score"));
        cfg.requireInput("score");
        String qdqPath = cfg.scoring().quantizedModel() != null ? cfg.scoring().quantizedModel() : out.qdqModel();
        ModelFile int8 = ModelFile.read(qdqPath, ctx.hadoop());
        ModelFile floatModel = cfg.scoring().driftEnabled() ? ModelFile.read(cfg.requireModel("score with drift"), ctx.hadoop()) : null;
        ModelShape shape = ModelShape.of(QuantizedModel.int8Engine(int8.graph()), int8.source());
        InputData input = InputReader.open(ctx.spark(), cfg.input(), shape);
        return ScoringJob.run(ctx, int8, floatModel, input, cfg.scoring(), cfg.maxRejectFraction(), out);
    }

    /** Calibrate, convert and score in one run, reading the input listing once. */
    public static ScoringJob.Result pipeline(JobContext ctx, JobConfig cfg) {
        Prepared p = prepare(ctx, cfg, "pipeline");
        if (cfg.scoring().classNames() != null && !HadoopFiles.exists(cfg.scoring().classNames(), ctx.hadoop())) {
            throw new ConfigException("scoring.class-names " + cfg.scoring().classNames() + " does not exist");
        }
        ModelFile int8 = calibrate(ctx, cfg, p);
        return ScoringJob.run(ctx, int8, cfg.scoring().driftEnabled() ? p.model : null, p.input, cfg.scoring(),
                cfg.maxRejectFraction(), p.out);
    }

    /**
     * Converts again from the statistics a calibration saved (no Spark work): e.g. another histogram range search
     * (kl, l2, percentile, mse share the same two passes) or another weight scheme, without re-reading the data.
     */
    public static ModelFile convert(JobConfig cfg, Configuration hadoop, JobLog log) {
        OutputLayout out = new OutputLayout(cfg.requireOutput("convert"));
        ModelFile model = ModelFile.read(cfg.requireModel("convert"), hadoop);
        long t0 = System.nanoTime();
        byte[] ranges = readState(out.rangeState(), hadoop);
        Calibrator c = new PostTrainingQuantizer(model.graph(), cfg.calibration().qconfig()).calibrator();
        compatible(c.newRangeState(), ranges, out.rangeState(), cfg);
        byte[] histograms = null;
        if (c.plan().needsSecondPass()) {
            if (!HadoopFiles.exists(out.histogramState(), hadoop)) {
                throw new ConfigException(cfg.calibration().qconfig().describe() + " needs second-pass statistics (histograms"
                        + " or GPTQ Gram matrices), but " + out.histogramState() + " does not exist: the saved calibration"
                        + " took one pass; run calibrate instead");
            }
            histograms = readState(out.histogramState(), hadoop);
            CalibrationState saved = CalibrationState.fromBytes(histograms);
            if (saved.grams().keySet().containsAll(c.plan().gptqNodes())) {
                // Gram matrices saved for GPTQ on more layers than these options round with it (e.g. nearest now)
                histograms = saved.retainingGrams(c.plan().gptqNodes()).toBytes();
            }
            compatible(c.newSecondPassState(CalibrationState.fromBytes(ranges)), histograms, out.histogramState(), cfg);
        }
        long samples = CalibrationState.fromBytes(ranges).samples();
        String dataset = cfg.calibration().datasetDescription() != null ? cfg.calibration().datasetDescription()
                : "statistics saved in " + out.rangeState() + " (" + samples + " samples)";
        QuantizedModel qm = ModelArtifacts.convert(model, cfg.calibration(), ranges, histograms, dataset);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", "convert");
        run.put("converted_from", out.rangeState());
        run.put("options", new org.quantlake.spark.io.Json.Raw(cfg.effective()));
        ModelArtifacts.write(out, qm, model, cfg.calibration(), ranges, histograms, dataset, run, hadoop);
        log.info(String.format(Locale.ROOT, "convert: %s from %d samples' statistics in %.1f s -> %s",
                cfg.calibration().qconfig().describe(), samples, (System.nanoTime() - t0) / 1e9, out.qdqModel()));
        return ModelFile.of(out.qdqModel(), qm.toBytes());
    }

    /** Options, float model and input, all checked before any Spark work. */
    private record Prepared(OutputLayout out, ModelFile model, ModelShape shape, InputData input) {
    }

    private static Prepared prepare(JobContext ctx, JobConfig cfg, String command) {
        OutputLayout out = new OutputLayout(cfg.requireOutput(command));
        cfg.requireInput(command);
        ModelFile model = ModelFile.read(cfg.requireModel(command), ctx.hadoop());
        ModelShape shape = ModelShape.of(new CompiledModel(model.graph()), model.source());
        InputData input = InputReader.open(ctx.spark(), cfg.input(), shape);
        return new Prepared(out, model, shape, input);
    }

    private static ModelFile calibrate(JobContext ctx, JobConfig cfg, Prepared p) {
        CalibrationResult r = CalibrationJob.run(ctx, p.model, p.shape, p.input, cfg.calibration(), cfg.maxRejectFraction(), p.out);
        long t0 = System.nanoTime();
        String dataset = cfg.calibration().datasetDescription() != null ? cfg.calibration().datasetDescription()
                : p.input.description() + String.format(Locale.ROOT, " (fraction %s, seed %d)", cfg.calibration().fraction(),
                cfg.calibration().seed());
        QuantizedModel qm = ModelArtifacts.convert(p.model, cfg.calibration(), r.ranges(), r.histograms(), dataset);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", "calibrate");
        run.put("spark_app_id", ctx.spark().sparkContext().applicationId());
        run.put("spark_master", ctx.spark().sparkContext().master());
        run.put("rows_read", r.read());
        run.put("rows_sampled_out", r.sampledOut());
        run.put("rows_rejected", r.rejected());
        run.put("rows_observed", r.observed());
        run.put("rejected_by_reason", new java.util.TreeMap<>(r.reasons()));
        run.put("rejected_rows", p.out.rejected("calibrate"));
        run.put("float_kernels", new java.util.ArrayList<>(new java.util.TreeSet<>(r.kernels())));
        run.put("options", new org.quantlake.spark.io.Json.Raw(cfg.effective()));
        ModelArtifacts.write(p.out, qm, p.model, cfg.calibration(), r.ranges(), r.histograms(), dataset, run, ctx.hadoop());
        ctx.log().info(String.format(Locale.ROOT, "convert: %s, %d quantization points, stats %s in %.1f s -> %s",
                cfg.calibration().qconfig().describe(), qm.stats().entries().size(), qm.stats().digest().substring(0, 12),
                (System.nanoTime() - t0) / 1e9, p.out.qdqModel()));
        return ModelFile.of(p.out.qdqModel(), qm.toBytes());
    }

    private static byte[] readState(String path, Configuration hadoop) {
        try {
            return HadoopFiles.read(path, hadoop);
        } catch (IOException e) {
            throw new ConfigException("cannot read saved statistics " + path + " (run calibrate first): " + e.getMessage(), e);
        }
    }

    /** The saved state must have been made for this model and options (same groups, same observer kinds, same grid). */
    private static void compatible(CalibrationState empty, byte[] saved, String path, JobConfig cfg) {
        try {
            empty.merge(CalibrationState.fromBytes(saved));
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
            throw new ConfigException("the statistics in " + path + " do not fit the model and calibration options ("
                    + cfg.calibration().qconfig().describe() + "): " + e.getMessage() + "; run calibrate with these options", e);
        }
    }
}
