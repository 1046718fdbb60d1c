package org.quantlake.core.quant;

/**
 * Quantize and dequantize, exactly as ONNX {@code QuantizeLinear} / {@code DequantizeLinear} define them.
 * <pre>
 *   quantize:    q = saturate(roundHalfToEven(x / scale) + zero_point)     x / scale in float32
 *   dequantize:  x = (q - zero_point) * scale                             int subtraction, float32 multiply
 * </pre>
 * saturate clamps to the dtype's full range (not the reduced one: reduceRange only shapes the choice of
 * scale). A NaN input quantizes to the zero point (it has no nearest integer; ONNX leaves it undefined), and
 * +/-Inf saturate. Worked example (PyTorch's tutorial), scale 0.25, zp 4, QUINT8:
 * 0.7 -> 7, 0.5 -> 6, -0.7 -> 1, -1.5 -> 0 (saturated), 100 -> 255.
 */
public final class Quantization {
    private Quantization() {}

    /** Quantizes one value; the result lies in [dtype.qmin(), dtype.qmax()]. */
    public static int quantize(float x, float scale, int zeroPoint, QuantDType dtype) {
        float r = x / scale;
        // Clamp in double before adding the zero point so that QINT32 saturates instead of overflowing.
        double q = Math.rint(r);
        q = Math.max((double) dtype.qmin() - zeroPoint, Math.min((double) dtype.qmax() - zeroPoint, q));
        return (int) q + zeroPoint;  // (int) NaN == 0, so NaN maps to the zero point
    }

    public static float dequantize(int q, float scale, int zeroPoint) {
        return (float) (q - zeroPoint) * scale;
    }

    /** Quantizes {@code n} values into bytes (QUINT8 stored as its low 8 bits: read back with {@code & 0xFF}). */
    public static void quantize(float[] src, int srcOff, byte[] dst, int dstOff, int n, float scale, int zeroPoint, QuantDType dtype) {
        requireByteType(dtype);
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = (byte) quantize(src[srcOff + i], scale, zeroPoint, dtype);
        }
    }

    /** Dequantizes {@code n} bytes of the given 8-bit type. */
    public static void dequantize(byte[] src, int srcOff, float[] dst, int dstOff, int n, float scale, int zeroPoint, QuantDType dtype) {
        requireByteType(dtype);
        boolean unsigned = dtype == QuantDType.QUINT8;
        for (int i = 0; i < n; i++) {
            int q = unsigned ? src[srcOff + i] & 0xFF : src[srcOff + i];
            dst[dstOff + i] = (float) (q - zeroPoint) * scale;
        }
    }

    /**
     * Quantizes a row-major tensor of shape {@code shape} with per-channel (or per-tensor) qparams into bytes.
     * For per-channel qparams, channel c of axis {@code q.axis()} uses (scale[c], zp[c]).
     */
    public static byte[] quantize(float[] src, int[] shape, QParams q) {
        requireByteType(q.dtype());
        byte[] out = new byte[src.length];
        forEachChannelRun(shape, q, (c, from, to) -> {
            float s = q.scale(c);
            int z = q.zeroPoint(c);
            for (int i = from; i < to; i++) out[i] = (byte) quantize(src[i], s, z, q.dtype());
        });
        return out;
    }

    /** Quantizes to int32 (QINT32 qparams, e.g. biases). */
    public static int[] quantizeToInt32(float[] src, int[] shape, QParams q) {
        if (q.dtype() != QuantDType.QINT32) throw new IllegalArgumentException("expected QINT32 qparams, got " + q.dtype());
        int[] out = new int[src.length];
        forEachChannelRun(shape, q, (c, from, to) -> {
            float s = q.scale(c);
            int z = q.zeroPoint(c);
            for (int i = from; i < to; i++) out[i] = quantize(src[i], s, z, QuantDType.QINT32);
        });
        return out;
    }

    /** Inverse of {@link #quantize(float[], int[], QParams)}. */
    public static float[] dequantize(byte[] src, int[] shape, QParams q) {
        requireByteType(q.dtype());
        boolean unsigned = q.dtype() == QuantDType.QUINT8;
        float[] out = new float[src.length];
        forEachChannelRun(shape, q, (c, from, to) -> {
            float s = q.scale(c);
            int z = q.zeroPoint(c);
            for (int i = from; i < to; i++) out[i] = (float) ((unsigned ? src[i] & 0xFF : src[i]) - z) * s;
        });
        return out;
    }

    /** A contiguous run [from, to) of elements that share channel c. */
    interface ChannelRun {
        void accept(int c, int from, int to);
    }

    static void forEachChannelRun(int[] shape, QParams q, ChannelRun run) {
        int size = org.quantlake.core.tensor.Shapes.size(shape);
        if (!q.isPerChannel()) {
            run.accept(0, 0, size);
            return;
        }
        int axis = q.axis();
        if (axis >= shape.length || shape[axis] != q.channels()) {
            throw new IllegalArgumentException("per-channel qparams with " + q.channels() + " channels on axis " + axis
                    + " do not fit shape " + java.util.Arrays.toString(shape));
        }
        int outer = org.quantlake.core.tensor.Shapes.product(shape, 0, axis);
        int inner = org.quantlake.core.tensor.Shapes.product(shape, axis + 1, shape.length);
        int channels = shape[axis];
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                int from = (o * channels + c) * inner;
                run.accept(c, from, from + inner);
            }
        }
    }

    private static void requireByteType(QuantDType dtype) {
        if (dtype == QuantDType.QINT32) throw new IllegalArgumentException("byte storage needs QUINT8 or QINT8, got QINT32");
    }
}
