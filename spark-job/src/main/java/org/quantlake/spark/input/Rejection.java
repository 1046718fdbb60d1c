package org.quantlake.spark.input;

import java.io.Serializable;

/**
 * Why a row cannot be used: a stable reason code (for counting and filtering the {@code _rejected} output) and a
 * detail for the person reading it.
 */
public record Rejection(Reason reason, String detail) implements Serializable {

    /** Reason codes, written as their lower-case names. */
    public enum Reason {
        /** The tensor (or image) column is null. */
        MISSING_TENSOR,
        /** The tensor has a different number of values than the model's input takes. */
        WRONG_SIZE,
        /** The tensor holds NaN or an infinity. */
        NON_FINITE,
        /** The image file cannot be read or decoded, or is smaller than the crop. */
        UNDECODABLE_IMAGE,
        /** The label is outside the model's classes. */
        BAD_LABEL;

        /** The code as written in outputs, e.g. {@code wrong_size}. */
        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
