package org.quantlake.core.ptq;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.quantlake.core.observe.HistogramGrid;
import org.quantlake.core.observe.HistogramRangeSearch;
import org.quantlake.core.quant.QScheme;
import org.quantlake.core.quant.QuantDType;
import org.quantlake.core.quant.QuantSpec;

/**
 * What to quantize and how. Defaults follow PyTorch's x86 and ONNX Runtime's QDQ defaults: uint8 per-tensor affine
 * activations, int8 per-channel symmetric weights ([-127, 127]), min/max calibration.
 *
 * <p>Per-node settings: {@link #exclude} keeps nodes in float32 (by node name or op type); {@link #override}
 * gives a node (by name or op type) its own weight scheme and calibration method. Name matches win over op-type
 * matches. Immutable: the {@code with*} methods return copies.
 */
public final class QConfig {
    private final CalibrationMethod method;
    private final QuantDType activationDtype;
    private final boolean activationSymmetric;
    private final boolean weightPerChannel;
    private final boolean reduceRange;
    private final double percentile;
    private final int bins;
    private final Set<String> excluded;
    private final Map<String, QConfig> overrides;
    private final WeightRounding weightRounding;

    private QConfig(CalibrationMethod method, QuantDType activationDtype, boolean activationSymmetric, boolean weightPerChannel,
                    boolean reduceRange, double percentile, int bins, Set<String> excluded, Map<String, QConfig> overrides,
                    WeightRounding weightRounding) {
        this.method = Objects.requireNonNull(method);
        if (activationDtype != QuantDType.QUINT8 && activationDtype != QuantDType.QINT8) {
            throw new IllegalArgumentException("activations are uint8 or int8, not " + activationDtype);
        }
        if (!(percentile > 0 && percentile <= 100)) throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
        if (bins < 2 || bins > HistogramGrid.MAX_BINS) throw new IllegalArgumentException("bins must be in [2, " + HistogramGrid.MAX_BINS + "]");
        this.activationDtype = activationDtype;
        this.activationSymmetric = activationSymmetric;
        this.weightPerChannel = weightPerChannel;
        this.reduceRange = reduceRange;
        this.percentile = percentile;
        this.bins = bins;
        this.excluded = Collections.unmodifiableSet(new TreeSet<>(excluded));
        this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
        this.weightRounding = Objects.requireNonNull(weightRounding);
    }

    /** uint8 affine activations, per-channel int8 weights, min/max. */
    public static QConfig defaults() {
        return new QConfig(CalibrationMethod.MINMAX, QuantDType.QUINT8, false, true, false,
                HistogramRangeSearch.DEFAULT_PERCENTILE, HistogramGrid.DEFAULT_BINS, Set.of(), Map.of(), WeightRounding.NEAREST);
    }

    public CalibrationMethod method() { return method; }
    public QuantDType activationDtype() { return activationDtype; }
    public boolean activationSymmetric() { return activationSymmetric; }
    public boolean weightPerChannel() { return weightPerChannel; }
    public boolean reduceRange() { return reduceRange; }
    public double percentile() { return percentile; }
    public int bins() { return bins; }
    public Set<String> excluded() { return excluded; }
    public Map<String, QConfig> overrides() { return overrides; }
    public WeightRounding weightRounding() { return weightRounding; }

    public QConfig withMethod(CalibrationMethod m) { return new QConfig(m, activationDtype, activationSymmetric, weightPerChannel, reduceRange, percentile, bins, excluded, overrides, weightRounding); }
    public QConfig withActivationDtype(QuantDType d) { return new QConfig(method, d, activationSymmetric, weightPerChannel, reduceRange, percentile, bins, excluded, overrides, weightRounding); }
    public QConfig withActivationSymmetric(boolean s) { return new QConfig(method, activationDtype, s, weightPerChannel, reduceRange, percentile, bins, excluded, overrides, weightRounding); }
    public QConfig withWeightPerChannel(boolean p) { return new QConfig(method, activationDtype, activationSymmetric, p, reduceRange, percentile, bins, excluded, overrides, weightRounding); }
    public QConfig withReduceRange(boolean r) { return new QConfig(method, activationDtype, activationSymmetric, weightPerChannel, r, percentile, bins, excluded, overrides, weightRounding); }
    public QConfig withPercentile(double p) { return new QConfig(method, activationDtype, activationSymmetric, weightPerChannel, reduceRange, p, bins, excluded, overrides, weightRounding); }
    public QConfig withWeightRounding(WeightRounding r) { return new QConfig(method, activationDtype, activationSymmetric, weightPerChannel, reduceRange, percentile, bins, excluded, overrides, r); }
    public QConfig withBins(int b) { return new QConfig(method, activationDtype, activationSymmetric, weightPerChannel, reduceRange, percentile, b, excluded, overrides, weightRounding); }

    /** Keeps the named nodes (or every node of the named op types) in float32. */
    public QConfig exclude(String... nodeNamesOrOpTypes) {
        Set<String> e = new TreeSet<>(excluded);
        e.addAll(java.util.List.of(nodeNamesOrOpTypes));
        return new QConfig(method, activationDtype, activationSymmetric, weightPerChannel, reduceRange, percentile, bins, e, overrides, weightRounding);
    }

    /** Gives a node (by name) or an op type its own settings; the override's own exclusions/overrides are ignored. */
    public QConfig override(String nodeNameOrOpType, QConfig cfg) {
        Map<String, QConfig> o = new LinkedHashMap<>(overrides);
        o.put(nodeNameOrOpType, cfg);
        return new QConfig(method, activationDtype, activationSymmetric, weightPerChannel, reduceRange, percentile, bins, excluded, o, weightRounding);
    }

    /** True when the node stays float32. */
    public boolean isExcluded(String nodeName, String opType) {
        return excluded.contains(nodeName) || excluded.contains(opType);
    }

    /** The settings that apply to one node: its name's override, else its op type's, else this. */
    public QConfig forNode(String nodeName, String opType) {
        QConfig o = overrides.get(nodeName);
        if (o == null) o = overrides.get(opType);
        return o == null ? this : o;
    }

    /** How activations are quantized. */
    public QuantSpec activationSpec() {
        QScheme s = activationSymmetric ? QScheme.PER_TENSOR_SYMMETRIC : QScheme.PER_TENSOR_AFFINE;
        return new QuantSpec(activationDtype, s, -1, reduceRange, false);
    }

    /** How weights are quantized, channel axis given for per-channel. Symmetric int8 in [-127, 127]. */
    public QuantSpec weightSpec(int axis) {
        return weightPerChannel
                ? new QuantSpec(QuantDType.QINT8, QScheme.PER_CHANNEL_SYMMETRIC, axis, false, true)
                : new QuantSpec(QuantDType.QINT8, QScheme.PER_TENSOR_SYMMETRIC, -1, false, true);
    }

    /** A stable one-line description for provenance ("method=histogram-kl act=QUINT8/affine w=per-channel ..."). */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("method=").append(method.label());
        if (method == CalibrationMethod.HISTOGRAM_PERCENTILE) sb.append("(").append(percentile).append(")");
        if (method.usesHistogram()) sb.append(" bins=").append(bins);
        sb.append(" act=").append(activationDtype).append(activationSymmetric ? "/symmetric" : "/affine");
        sb.append(" weights=QINT8/").append(weightPerChannel ? "per-channel" : "per-tensor").append("-symmetric");
        sb.append(" reduce_range=").append(reduceRange);
        if (weightRounding != WeightRounding.NEAREST) sb.append(" weight_rounding=").append(weightRounding.label());
        if (!excluded.isEmpty()) sb.append(" exclude=").append(excluded);
        for (Map.Entry<String, QConfig> e : overrides.entrySet()) sb.append(" override[").append(e.getKey()).append("]={").append(e.getValue().describe()).append("}");
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QConfig q && q.describe().equals(describe());
    }

    @Override
    public int hashCode() {
        return describe().hashCode();
    }
}
