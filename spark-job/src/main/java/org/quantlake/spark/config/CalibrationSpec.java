package org.quantlake.spark.config;

import java.io.Serializable;
import java.util.List;
import org.quantlake.core.ptq.CalibrationMethod;
import org.quantlake.core.ptq.QConfig;
import org.quantlake.core.ptq.WeightRounding;
import org.quantlake.core.quant.QuantDType;

/**
 * The {@code calibration} block: quant-core's {@link QConfig} as serializable fields, plus sampling and batching.
 *
 * @param fraction  rows kept by hash sampling, in [0, 1]
 * @param batchSize rows per forward pass (every pass runs at exactly this size)
 * @param treeDepth depth of the treeAggregate merging per-partition states
 * @param datasetDescription null: derived from the input path and sampling
 */
public record CalibrationSpec(CalibrationMethod method, double percentile, int bins, QuantDType activationDtype,
                              boolean activationSymmetric, boolean perChannelWeights, WeightRounding weightRounding,
                              boolean reduceRange, List<String> exclude, double fraction, long seed, int batchSize, int treeDepth,
                              String datasetDescription) implements Serializable {

    public CalibrationSpec {
        exclude = List.copyOf(exclude);
    }

    /** The quant-core configuration these options describe (identical on the driver and every executor). */
    public QConfig qconfig() {
        QConfig q = QConfig.defaults()
                .withMethod(method)
                .withPercentile(percentile)
                .withBins(bins)
                .withActivationDtype(activationDtype)
                .withActivationSymmetric(activationSymmetric)
                .withWeightPerChannel(perChannelWeights)
                .withWeightRounding(weightRounding)
                .withReduceRange(reduceRange);
        return exclude.isEmpty() ? q : q.exclude(exclude.toArray(new String[0]));
    }
}
