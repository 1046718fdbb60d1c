package org.quantlake.core.engine;

/** What a plan slot holds. */
public enum SlotKind {
    FLOAT, BYTE, INT;

    /** The storage kind for an element type. */
    public static SlotKind of(org.quantlake.core.graph.ElemType t) {
        return switch (t) {
            case FLOAT -> FLOAT;
            case UINT8, INT8, BOOL -> BYTE;
            case INT32 -> INT;
            default -> throw new IllegalArgumentException("no runtime storage for " + t);
        };
    }

    Object allocate(int size) {
        return switch (this) {
            case FLOAT -> new float[size];
            case BYTE -> new byte[size];
            case INT -> new int[size];
        };
    }
}
