package org.quantlake.core.engine;

import org.quantlake.core.tensor.FloatTensor;

/**
 * The forward hook: called with every float value as soon as it is computed (graph inputs first, then each node's
 * outputs in execution order), batch dimension first. The tensor is a view of a reused buffer: copy what you keep.
 */
@FunctionalInterface
public interface ValueObserver {
    void onValue(String name, FloatTensor value);
}
