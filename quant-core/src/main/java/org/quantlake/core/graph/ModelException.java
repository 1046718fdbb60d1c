package org.quantlake.core.graph;

/**
 * A model that cannot be loaded, compiled or run: malformed, inconsistent, or using something this build does not
 * support. The message names the file, node, value or op involved.
 */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
