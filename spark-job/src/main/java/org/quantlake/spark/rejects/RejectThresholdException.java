package org.quantlake.spark.rejects;

/** More rows were rejected than {@code rejects.max-fraction} allows; the message says how many, why and where they are. */
public final class RejectThresholdException extends RuntimeException {
    public RejectThresholdException(String message) {
        super(message);
    }
}
