package org.quantlake.core.graph;

/** A node whose op (or op version, or attribute value) this build cannot run. */
public final class UnsupportedOpException extends ModelException {
    public UnsupportedOpException(String message) {
        super(message);
    }
}
