package org.quantlake.core.tensor;

import java.util.Arrays;

/** Small helpers for NCHW-style shapes held as {@code int[]}. */
public final class Shapes {
    private Shapes() {}

    /** Number of elements of {@code shape}; throws when it does not fit an int (no tensor here may exceed 2^31-1 elements). */
    public static int size(int[] shape) {
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            int d = shape[i];
            if (d < 0) throw new IllegalArgumentException("negative dimension " + d + " in shape " + Arrays.toString(shape));
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    /** Product of dims [from, to). */
    public static int product(int[] shape, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) n *= shape[i];
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " too large");
        return (int) n;
    }

    /** Validates {@code axis} against {@code rank} and returns it normalised to [0, rank). Negative axes count from the end, as in ONNX. */
    public static int normalizeAxis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new IllegalArgumentException("axis " + axis + " out of range for rank " + rank);
        return a;
    }

    public static String toString(int[] shape) {
        return Arrays.toString(shape);
    }
}
