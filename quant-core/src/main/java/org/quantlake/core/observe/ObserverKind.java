package org.quantlake.core.observe;

/** The observer types, with the type id each writes after the format version in its serial form. */
public enum ObserverKind {
    MIN_MAX(1),
    PER_CHANNEL_MIN_MAX(2),
    MEAN_MIN_MAX(3),
    HISTOGRAM(4);

    private final int typeId;

    ObserverKind(int typeId) {
        this.typeId = typeId;
    }

    /** The type id byte of the serial form. Never reuse or renumber one: saved states depend on it. */
    public int typeId() { return typeId; }

    static ObserverKind ofTypeId(int id) {
        for (ObserverKind k : values()) if (k.typeId == id) return k;
        return null;
    }
}
