package org.quantlake.core.ops;

import java.util.Arrays;
import org.quantlake.core.graph.Node;

/**
 * Spatial geometry shared by Conv and the pools, for 1-D and 2-D windows (1-D is treated as height 1): kernel,
 * strides, dilations, pads (from {@code pads} or {@code auto_pad}) and output size, as ONNX defines them:
 * <pre>
 *   NOTSET:  out = floor((in + pad_head + pad_tail - ((k - 1) * d + 1)) / s) + 1     (ceil with ceil_mode, and then
 *            one less if the last window would start beyond the input and its head padding)
 *   SAME_*:  total = max(0, (ceil(in / s) - 1) * s + k - in), then out as for NOTSET;
 *            SAME_UPPER puts the odd extra padding at the end, SAME_LOWER at the start
 *   VALID:   no padding, then out as for NOTSET
 * </pre>
 * SAME follows ONNX Runtime rather than the spec, which pads for the dilated kernel (k - 1) * d + 1 and always
 * gives out = ceil(in / s): ORT pads for the undilated kernel and then applies the NOTSET formula, so a dilated
 * or ceil_mode pool comes out smaller (MaxPool k=3, d=2, SAME_UPPER on 9 gives 7, not 9). With dilation 1 the two
 * agree; Conv refuses SAME with dilations, as ORT does. A negative need (k &lt; s) means no padding (ORT's Conv
 * agrees; its pools refuse such models). VALID also follows ORT: ceil_mode applies to it (MaxPool k=2, s=2 on 7
 * gives 4 windows, the last one hanging past the input), where the spec's VALID formula ignores ceil_mode.
 */
public record WindowGeometry(int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw,
                             int padTop, int padLeft, int padBottom, int padRight, int outH, int outW) {

    /** Geometry for input shape [N, C, (H,) W] and kernel {@code kernel} (1 or 2 dims). */
    public static WindowGeometry of(OpContext c, int[] x, int[] kernel, boolean ceilMode) {
        return of(c.node(), x, kernel, ceilMode, c::fail, c::unsupported);
    }

    /** The same geometry outside a compiled plan (calibration); errors name the node. */
    public static WindowGeometry of(Node n, int[] x, int[] kernel) {
        java.util.function.Function<String, RuntimeException> bad =
                m -> new IllegalArgumentException("node '" + n.name() + "' (" + n.opType() + "): " + m);
        return of(n, x, kernel, false, bad, bad);
    }

    private static WindowGeometry of(Node n, int[] x, int[] kernel, boolean ceilMode,
                                     java.util.function.Function<String, ? extends RuntimeException> fail,
                                     java.util.function.Function<String, ? extends RuntimeException> unsupported) {
        int spatial = x.length - 2;
        if (spatial < 1 || spatial > 2) throw unsupported.apply("only 1-D and 2-D windows are supported; input has shape " + Arrays.toString(x));
        if (kernel.length != spatial) throw fail.apply("kernel_shape " + Arrays.toString(kernel) + " does not match a " + spatial + "-D input");
        int[] strides = n.attrInts("strides", ones(spatial));
        int[] dil = n.attrInts("dilations", ones(spatial));
        int[] pads = n.attrInts("pads", new int[2 * spatial]);
        if (strides.length != spatial || dil.length != spatial || pads.length != 2 * spatial) {
            throw fail.apply("strides/dilations/pads lengths do not match a " + spatial + "-D window");
        }
        for (int i = 0; i < spatial; i++) {
            if (strides[i] <= 0 || dil[i] <= 0 || kernel[i] <= 0) throw fail.apply("kernel, strides and dilations must be positive");
            if (pads[i] < 0 || pads[i + spatial] < 0) throw fail.apply("negative pads " + Arrays.toString(pads));
        }
        String autoPad = n.attrString("auto_pad", "NOTSET");
        int[] in = Arrays.copyOfRange(x, 2, x.length);
        int[] out = new int[spatial];
        int[] head = new int[spatial];
        int[] tail = new int[spatial];
        for (int i = 0; i < spatial; i++) {
            int eff = (kernel[i] - 1) * dil[i] + 1;
            switch (autoPad) {
                case "NOTSET" -> {
                    head[i] = pads[i];
                    tail[i] = pads[i + spatial];
                    out[i] = outSize(fail, in[i], head[i], tail[i], eff, strides[i], ceilMode);
                }
                case "SAME_UPPER", "SAME_LOWER" -> {
                    int total = Math.max(0, (ceilDiv(in[i], strides[i]) - 1) * strides[i] + kernel[i] - in[i]);
                    head[i] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                    tail[i] = total - head[i];
                    out[i] = outSize(fail, in[i], head[i], tail[i], eff, strides[i], ceilMode);
                }
                case "VALID" -> out[i] = outSize(fail, in[i], 0, 0, eff, strides[i], ceilMode);
                default -> throw unsupported.apply("auto_pad '" + autoPad + "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
            }
        }
        if (spatial == 1) {
            return new WindowGeometry(1, in[0], 1, kernel[0], 1, strides[0], 1, dil[0], 0, head[0], 0, tail[0], 1, out[0]);
        }
        return new WindowGeometry(in[0], in[1], kernel[0], kernel[1], strides[0], strides[1], dil[0], dil[1],
                head[0], head[1], tail[0], tail[1], out[0], out[1]);
    }

    /** Windows along one dim for explicit pads; with ceil_mode, a last window starting in the tail padding is dropped. */
    private static int outSize(java.util.function.Function<String, ? extends RuntimeException> fail, int in, int head, int tail,
                               int eff, int stride, boolean ceilMode) {
        int span = in + head + tail - eff;
        if (span < 0) throw fail.apply("window " + eff + " larger than padded input " + (in + head + tail));
        int out = ceilMode ? ceilDiv(span, stride) + 1 : span / stride + 1;
        if (ceilMode && (out - 1) * stride >= in + head) out--;
        return out;
    }

    /** Output shape [N, C', (outH,) outW] for a rank-{@code rank} input. */
    public int[] outShape(int n, int channels, int rank) {
        return rank == 3 ? new int[] {n, channels, outW} : new int[] {n, channels, outH, outW};
    }

    public int inHW() { return inH * inW; }

    public int outHW() { return outH * outW; }

    public boolean isPointwise() {
        return kh == 1 && kw == 1 && sh == 1 && sw == 1 && padTop == 0 && padLeft == 0 && padBottom == 0 && padRight == 0;
    }

    static int ceilDiv(int a, int b) {
        return Math.floorDiv(a + b - 1, b);
    }

    private static int[] ones(int n) {
        int[] o = new int[n];
        Arrays.fill(o, 1);
        return o;
    }
}
