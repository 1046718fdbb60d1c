package org.quantlake.core.ptq;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.quantlake.core.observe.InputGram;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.engine.InferenceSession;
import org.quantlake.core.observe.HistogramGrid;
import org.quantlake.core.observe.HistogramObserver;
import org.quantlake.core.observe.MeanMinMaxObserver;
import org.quantlake.core.observe.MinMaxObserver;
import org.quantlake.core.observe.Observer;
import org.quantlake.core.tensor.FloatTensor;

/**
 * Runs float forward passes with observers attached to every quantization point of a {@link QuantizationPlan}.
 * Pass 1 ({@link #newRangeState}) observes min/max (or mean min/max); groups calibrated by a histogram, and layers
 * whose weights GPTQ rounds (their input Gram matrices), then need pass 2 ({@link #newSecondPassState}) on grids
 * fixed by the merged pass-1 ranges. States from any number of calibrators merge exactly. Thread-safe: each thread
 * runs its own session.
 */
public final class Calibrator {
    private final QuantizationPlan plan;
    private final CompiledModel model;
    private final ThreadLocal<InferenceSession> sessions;
    private final Map<String, List<InputColumns>> gptqLayersByInput = new HashMap<>();

    public Calibrator(QuantizationPlan plan) {
        this.plan = plan;
        this.model = new CompiledModel(plan.graph());
        this.sessions = ThreadLocal.withInitial(model::newSession);
        for (InputColumns l : plan.gptqLayers()) {
            gptqLayersByInput.computeIfAbsent(l.node().input(0), k -> new ArrayList<>()).add(l);
        }
    }

    public QuantizationPlan plan() { return plan; }

    public CompiledModel model() { return model; }

    /** An empty pass-1 state: one observer per group. */
    public CalibrationState newRangeState() {
        Map<String, Observer> obs = new TreeMap<>();
        for (QuantizationPlan.Group g : plan.groups().values()) {
            obs.put(g.id(), g.method() == CalibrationMethod.MEAN_MINMAX ? new MeanMinMaxObserver() : new MinMaxObserver());
        }
        return new CalibrationState(CalibrationState.Pass.RANGE, obs, 0);
    }

    /** An empty pass-2 state for the histogram groups, on grids covering the merged pass-1 ranges. */
    public CalibrationState newSecondPassState(CalibrationState mergedRanges) {
        if (mergedRanges.pass() != CalibrationState.Pass.RANGE) throw new IllegalArgumentException("pass 2 starts from a merged pass-1 state");
        Map<String, Observer> obs = new TreeMap<>();
        for (QuantizationPlan.Group g : plan.groups().values()) {
            if (!g.method().usesHistogram()) continue;
            MinMaxObserver r = (MinMaxObserver) mergedRanges.observer(g.id());
            HistogramGrid grid = r.isEmpty() ? HistogramGrid.covering(0f, 0f, plan.config().bins())
                    : HistogramGrid.covering(r.min(), r.max(), plan.config().bins());
            obs.put(g.id(), new HistogramObserver(grid));
        }
        Map<String, InputGram> grams = new TreeMap<>();
        for (InputColumns l : plan.gptqLayers()) {
            Observer r = mergedRanges.observer(plan.groupOf(l.node().input(0)).id());
            float step = 0f;
            if (!r.isEmpty()) {
                // the global range: a mean-min/max group's observed range is an average, narrower than the data
                float lo = r instanceof MeanMinMaxObserver m ? m.min() : ((MinMaxObserver) r).min();
                float hi = r instanceof MeanMinMaxObserver m ? m.max() : ((MinMaxObserver) r).max();
                step = InputGram.stepFor(lo, hi);
            }
            grams.put(l.node().name(), new InputGram(l.columnLength(), step));
        }
        return new CalibrationState(CalibrationState.Pass.SECOND, obs, grams, 0);
    }

    /** Observes one batch of {@code batch} samples of the model's first input. */
    public void observe(CalibrationState state, float[] input, int batch) {
        observe(state, input, batch, batch);
    }

    /**
     * Runs a batch of {@code batch} samples but observes only its first {@code samples} (the rest is padding).
     *
     * <p>Why: the float engine's rounding can depend on the batch size (a GEMM whose rows are the batch takes a
     * different kernel path for 1 row than for 8), so statistics are reproducible only when every sample is run at
     * the same batch size. A caller that cuts data into batches by chance (a Spark partition's short last batch)
     * keeps the batch size fixed by padding and passes the real count here. Each observed value must then carry the
     * batch as its dim 0 (true of CNN activations); otherwise this throws {@link IllegalStateException} naming it.
     * {@code samples == batch} is {@link #observe(CalibrationState, float[], int)}.
     */
    public void observe(CalibrationState state, float[] input, int batch, int samples) {
        if (samples < 1 || samples > batch) {
            throw new IllegalArgumentException("samples must be in [1, " + batch + "], got " + samples);
        }
        InferenceSession s = sessions.get();
        boolean grams = !state.grams().isEmpty();
        s.setObserver((name, t) -> {
            QuantizationPlan.Group g = plan.groupOf(name);
            if (g == null) return;
            Observer o = state.observer(g.id());
            List<InputColumns> layers = grams ? gptqLayersByInput.get(name) : null;
            if (o == null && layers == null) return;
            FloatTensor seen = samples == batch ? t : leading(name, t, batch, samples);
            if (o != null) o.observe(seen);
            if (layers != null) for (InputColumns l : layers) l.addTo(state.gram(l.node().name()), seen);
        });
        try {
            s.run(input, batch);
        } finally {
            s.setObserver(null);
        }
        state.addSamples(samples);
    }

    /** The first {@code samples} dim-0 slices of a value computed for a batch of {@code batch}. */
    private static FloatTensor leading(String name, FloatTensor t, int batch, int samples) {
        if (t.rank() == 0 || t.dim(0) != batch) {
            throw new IllegalStateException("value '" + name + "' has shape " + java.util.Arrays.toString(t.shape())
                    + ", whose dim 0 is not the batch (" + batch + "): a padded batch cannot be observed; use a batch"
                    + " size of 1");
        }
        int[] shape = t.shape();
        shape[0] = samples;
        return new FloatTensor(t.data(), t.offset(), shape);
    }
}
