package org.quantlake.core.graph;

import java.util.Arrays;

/**
 * A named value's declared type and shape. {@code dims} is null when the rank is unknown; a dim of -1 is unknown or
 * symbolic (its name, when it has one, is in {@code dimParams}).
 */
public record ValueInfo(String name, ElemType type, int[] dims, String[] dimParams) {

    public static ValueInfo of(String name, ElemType type, int... dims) {
        return new ValueInfo(name, type, dims.clone(), new String[dims.length]);
    }

    public boolean hasShape() { return dims != null; }

    @Override
    public String toString() {
        return name + ":" + type + (dims == null ? "[?]" : Arrays.toString(dims));
    }
}
