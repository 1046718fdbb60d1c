package org.quantlake.core.engine;

/** One compiled node: reads its input slots, writes its output slots. Steps are immutable and shared across sessions. */
@FunctionalInterface
public interface Step {
    void run(Arena a);
}
