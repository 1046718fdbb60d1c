package org.quantlake.spark.input;

/** A row's model input, or why it has none. Exactly one of the two is non-null. */
public record Decoded(float[] tensor, Rejection rejection) {

    public static Decoded ok(float[] tensor) {
        return new Decoded(tensor, null);
    }

    public static Decoded reject(Rejection.Reason reason, String detail) {
        return new Decoded(null, new Rejection(reason, detail));
    }

    /** Checks size and finiteness: the validation every tensor passes before it reaches an engine. */
    public static Decoded checked(float[] t, int expected) {
        if (t.length != expected) {
            return reject(Rejection.Reason.WRONG_SIZE, "tensor has " + t.length + " values; the model input takes "
                    + expected);
        }
        int bad = 0;
        int first = -1;
        for (int i = 0; i < t.length; i++) {
            if (!Float.isFinite(t[i])) {
                if (bad++ == 0) first = i;
            }
        }
        if (bad > 0) {
            return reject(Rejection.Reason.NON_FINITE, bad + " NaN/Inf value" + (bad == 1 ? "" : "s") + ", first at index "
                    + first + " (" + t[first] + ")");
        }
        return ok(t);
    }
}
