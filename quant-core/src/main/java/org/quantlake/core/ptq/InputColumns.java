package org.quantlake.core.ptq;

import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.Node;
import org.quantlake.core.observe.InputGram;
import org.quantlake.core.ops.WindowGeometry;
import org.quantlake.core.tensor.FloatTensor;

/**
 * The input columns one weight layer multiplies, fed into its {@link InputGram}: for a Conv (group 1), the im2col
 * column under each of a fixed set of output positions per sample; for a Gemm, each input row.
 *
 * <p>Why a fixed set: a 55x55 layer has 3,025 columns per image, and the Hessian needs far fewer than the product of
 * that and a calibration set. Positions are evenly spaced over the output plane ({@value #COLUMNS_PER_SAMPLE} at
 * most, the same for every sample), so what a sample contributes never depends on which batch or partition it came in.
 * Column order matches the weights' row layout: (input channel, kernel row, kernel column).
 */
final class InputColumns {
    /** Output positions sampled per image (all of them for smaller planes). */
    static final int COLUMNS_PER_SAMPLE = 128;

    private final Node node;
    private final boolean conv;
    private final int k;
    private final int[] kernel;  // conv: [C, kh, kw]
    private final int[] kernelSpatial;

    InputColumns(Graph g, Node node) {
        this.node = node;
        int[] w = g.initializers().get(node.input(1)).dims();
        this.conv = node.opType().equals("Conv");
        if (conv) {
            if (node.attrInt("group", 1) != 1) throw new IllegalArgumentException("GPTQ needs group 1: node '" + node.name() + "'");
            if (w.length != 4 && w.length != 3) throw new IllegalArgumentException("node '" + node.name() + "': GPTQ supports 1-D and 2-D Conv");
            kernelSpatial = w.length == 4 ? new int[] {w[2], w[3]} : new int[] {w[2]};
            kernel = new int[] {w[1], w.length == 4 ? w[2] : 1, w.length == 4 ? w[3] : w[2]};
            k = kernel[0] * kernel[1] * kernel[2];
        } else {
            kernelSpatial = null;
            kernel = null;
            k = node.attrInt("transB", 0) != 0 ? w[1] : w[0];
        }
    }

    /** The layer's column length (its weights' inputs per output channel). */
    int columnLength() { return k; }

    Node node() { return node; }

    /** Adds the columns of a batch of the layer's input (dim 0 = samples). */
    void addTo(InputGram gram, FloatTensor x) {
        if (conv) addConv(gram, x);
        else addGemm(gram, x);
    }

    private void addConv(InputGram gram, FloatTensor x) {
        int[] shape = x.shape();
        WindowGeometry geo = WindowGeometry.of(node, shape, kernelSpatial);
        int channels = shape[1];
        if (channels != kernel[0]) {
            throw new IllegalArgumentException("node '" + node.name() + "': input has " + channels + " channels, weights expect " + kernel[0]);
        }
        int positions = geo.outHW();
        int cols = Math.min(COLUMNS_PER_SAMPLE, positions);
        int[] buf = new int[k * cols];
        int[] oy = new int[cols];
        int[] ox = new int[cols];
        for (int j = 0; j < cols; j++) {
            int p = (int) (((2L * j + 1) * positions) / (2L * cols));  // midpoints of cols equal slices
            oy[j] = p / geo.outW();
            ox[j] = p % geo.outW();
        }
        float[] d = x.data();
        int plane = geo.inHW();
        for (int n = 0; n < shape[0]; n++) {
            int base = x.offset() + n * channels * plane;
            int a = 0;
            for (int c = 0; c < channels; c++) {
                for (int ky = 0; ky < geo.kh(); ky++) {
                    for (int kx = 0; kx < geo.kw(); kx++, a++) {
                        for (int j = 0; j < cols; j++) {
                            int iy = oy[j] * geo.sh() - geo.padTop() + ky * geo.dh();
                            int ix = ox[j] * geo.sw() - geo.padLeft() + kx * geo.dw();
                            boolean in = iy >= 0 && iy < geo.inH() && ix >= 0 && ix < geo.inW();
                            buf[a * cols + j] = in ? gram.gridValue(d[base + c * plane + iy * geo.inW() + ix]) : 0;
                        }
                    }
                }
            }
            gram.add(buf, cols, cols);
        }
    }

    private void addGemm(InputGram gram, FloatTensor x) {
        int[] shape = x.shape();
        if (shape.length != 2 || shape[1] != k) {
            throw new IllegalArgumentException("node '" + node.name() + "': Gemm input of shape " + java.util.Arrays.toString(shape)
                    + ", weights expect [rows, " + k + "]");
        }
        int rows = shape[0];
        int block = Math.min(COLUMNS_PER_SAMPLE, Math.max(1, rows));
        int[] buf = new int[k * block];
        float[] d = x.data();
        for (int r0 = 0; r0 < rows; r0 += block) {
            int cnt = Math.min(block, rows - r0);
            for (int j = 0; j < cnt; j++) {
                int off = x.offset() + (r0 + j) * k;
                for (int a = 0; a < k; a++) buf[a * block + j] = gram.gridValue(d[off + a]);
            }
            gram.add(buf, block, cnt);
        }
    }
}
