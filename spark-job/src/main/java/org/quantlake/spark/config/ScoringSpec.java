package org.quantlake.spark.config;

import java.io.Serializable;

/**
 * The {@code scoring} block.
 *
 * @param quantizedModel null: {@code <output>/model/model.qdq.onnx}
 * @param classNames     null: predictions carry class indices only
 * @param driftFraction  rows also run in float32, by hash sampling with {@code driftSeed}
 */
public record ScoringSpec(String quantizedModel, int batchSize, int topK, String classNames, boolean driftEnabled,
                          double driftFraction, long driftSeed) implements Serializable {
}
