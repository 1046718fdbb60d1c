package org.quantlake.spark.config;

/**
 * A job option is missing, unknown, of the wrong type or out of range. The message names the option (without the
 * {@code quantlake.} prefix, as users write it) and is meant for the person who wrote the config.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
