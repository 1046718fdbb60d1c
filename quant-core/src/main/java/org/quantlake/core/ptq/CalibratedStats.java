package org.quantlake.core.ptq;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.quantlake.core.observe.HistogramObserver;
import org.quantlake.core.observe.HistogramRangeSearch;
import org.quantlake.core.observe.InputGram;
import org.quantlake.core.observe.Observer;
import org.quantlake.core.observe.ValueCounts;
import org.quantlake.core.quant.ChannelRange;
import org.quantlake.core.quant.QParams;
import org.quantlake.core.quant.QParamsCalculator;
import org.quantlake.core.quant.QuantSpec;

/**
 * The merged statistics turned into a decision per group: observed range, chosen range (after the range search),
 * qparams and NaN/Inf counts. Pure function of the merged states, so equal states give equal qparams.
 */
public final class CalibratedStats {
    /** The outcome for one group. */
    public record Entry(String group, java.util.List<String> values, String method, ChannelRange observed, ChannelRange chosen,
                        QParams qparams, ValueCounts counts) {}

    private final Map<String, Entry> entries;
    private final Map<String, InputGram> grams;
    private final long samples;
    private final String digest;

    private CalibratedStats(Map<String, Entry> entries, Map<String, InputGram> grams, long samples, String digest) {
        this.entries = entries;
        this.grams = grams;
        this.samples = samples;
        this.digest = digest;
    }

    /**
     * Chooses every group's range: one-pass groups from {@code ranges}; histogram groups from {@code histograms}
     * (required when the plan needs the histogram pass). A group that saw no finite value is an error naming it.
     */
    public static CalibratedStats choose(QuantizationPlan plan, CalibrationState ranges, CalibrationState histograms) {
        if (plan.needsSecondPass() && histograms == null) {
            throw new IllegalArgumentException("the plan calibrates with histograms or GPTQ: pass 2 statistics are required");
        }
        Map<String, InputGram> grams = new TreeMap<>();
        for (String layer : plan.gptqNodes()) {
            InputGram gram = histograms.gram(layer);
            if (gram == null) throw new IllegalArgumentException("pass 2 statistics have no input Gram matrix for layer '" + layer + "' (GPTQ)");
            grams.put(layer, gram.copy());
        }
        QuantSpec act = plan.config().activationSpec();
        Map<String, Entry> out = new TreeMap<>();
        for (QuantizationPlan.Group g : plan.groups().values()) {
            Observer range = ranges.observer(g.id());
            if (range == null) throw new IllegalArgumentException("no statistics for group '" + g.id() + "'");
            if (range.isEmpty()) {
                throw new IllegalStateException("quantization point '" + g.id() + "' (values " + g.values()
                        + ") saw no finite values during calibration (" + range.counts() + "): check the calibration data");
            }
            ChannelRange observed = range.observedRange();
            ChannelRange chosen = observed;
            String method = g.method().label();
            ValueCounts counts = range.counts();
            if (g.method().usesHistogram()) {
                HistogramObserver h = (HistogramObserver) histograms.observer(g.id());
                chosen = HistogramRangeSearch.choose(h, g.method().search(), act, plan.config().percentile());
                if (g.method() == CalibrationMethod.HISTOGRAM_PERCENTILE) method += String.format(Locale.ROOT, "(%s)", plan.config().percentile());
            }
            QParams q = QParamsCalculator.fromRange(chosen, act);
            out.put(g.id(), new Entry(g.id(), g.values(), method, observed, chosen, q, counts));
        }
        String digest = histograms == null ? ranges.digest() : CalibrationState.sha256((ranges.digest() + histograms.digest()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new CalibratedStats(Collections.unmodifiableMap(out), Collections.unmodifiableMap(grams), ranges.samples(), digest);
    }

    public Map<String, Entry> entries() { return entries; }

    public Entry entry(String group) { return entries.get(group); }

    /** The merged input Gram matrix of a layer whose weights GPTQ rounds, or null. */
    public InputGram inputGram(String layer) { return grams.get(layer); }

    /** Calibration samples seen (pass 1). */
    public long samples() { return samples; }

    /** SHA-256 identifying the merged statistics (pass 1, or pass 1 + pass 2). */
    public String digest() { return digest; }

    /** Human-readable JSON: per group the values, method, observed and chosen ranges, scale, zero point, counts. */
    public String toJson() {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"samples\": ").append(samples).append(",\n  \"digest\": \"").append(digest).append("\",\n  \"groups\": [");
        boolean first = true;
        for (Entry e : entries.values()) {
            sb.append(first ? "\n" : ",\n");
            first = false;
            sb.append("    {\"group\": ").append(Json.str(e.group()))
              .append(", \"values\": ").append(Json.strs(e.values()))
              .append(", \"method\": ").append(Json.str(e.method()))
              .append(", \"observed_min\": ").append(Json.num(e.observed().min(0)))
              .append(", \"observed_max\": ").append(Json.num(e.observed().max(0)))
              .append(", \"chosen_min\": ").append(Json.num(e.chosen().min(0)))
              .append(", \"chosen_max\": ").append(Json.num(e.chosen().max(0)))
              .append(", \"scale\": ").append(Json.num(e.qparams().scale()))
              .append(", \"zero_point\": ").append(e.qparams().zeroPoint())
              .append(", \"dtype\": ").append(Json.str(e.qparams().dtype().name()))
              .append(", \"finite\": ").append(e.counts().finite())
              .append(", \"nan\": ").append(e.counts().nan())
              .append(", \"pos_inf\": ").append(e.counts().posInf())
              .append(", \"neg_inf\": ").append(e.counts().negInf())
              .append("}");
        }
        sb.append("\n  ]\n}\n");
        return sb.toString();
    }
}
