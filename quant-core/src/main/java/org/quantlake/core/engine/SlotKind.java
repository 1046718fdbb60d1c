package org.quantlake.core.engine;

/** What a plan slot holds. */
public enum SlotKind {
    FLOAT, BYTE, INT;

    Object allocate(int size) {
        return switch (this) {
            case FLOAT -> new float[size];
            case BYTE -> new byte[size];
            case INT -> new int[size];
        };
    }
}
