package org.quantlake.spark.input;

/**
 * The input does not fit the job options or the model: a missing column, a column of the wrong type, a declared
 * shape the model does not take. Raised before any work starts; the message names the column and the option.
 */
public final class SchemaException extends RuntimeException {
    public SchemaException(String message) {
        super(message);
    }
}
