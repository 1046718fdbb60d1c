package org.quantlake.spark.demo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.quantlake.core.engine.CompiledModel;
import org.quantlake.core.engine.InferenceSession;
import org.quantlake.core.graph.Attribute;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.graph.ValueInfo;
import org.quantlake.core.onnx.OnnxModelWriter;

/**
 * The demo's float32 CNN, built as a quant-core {@link Graph} and fitted to {@link ShapesDataset}'s clean training
 * stream without back-propagation:
 *
 * <pre>
 * image [N,1,28,28]
 *   conv1 3x3 1->8 (fixed edge/blob filters) + bn1 + relu, maxpool 2x2        -> [8,14,14]
 *   conv2 3x3 8->16 + bn2 + relu                                              -> r2 [16,14,14]
 *   residual: conv3 3x3 + bn3 + relu, conv4 3x3 + bn4, add(r2, .), relu      -> [16,14,14]
 *   averagepool 2x2, flatten                                                  -> [784]
 *   gemm (ridge regression head)                                              -> logits [10]
 * </pre>
 *
 * Conv weights are fixed filters (conv1) or seeded He-normal random (conv2-4). Each BatchNormalization's mean and
 * variance are measured, layer by layer, on the conv outputs of training images with the earlier layers already
 * normalised, exactly what a BN layer's running statistics estimate; its scale is 1 and bias 0. The Gemm head is
 * {@link RidgeHead} fitted on the pooled features. The BN nodes stay in the file (not folded), so quantization
 * exercises the Conv+BN fusion; the residual Add exercises the int8 Add.
 */
public final class DemoModel {
    static final int OPSET = 13;
    static final int C1 = 8;
    static final int C2 = 16;
    static final int FEATURES = C2 * 7 * 7;
    public static final String INPUT = "image";
    public static final String OUTPUT = "logits";
    /** Forward passes while fitting run this many rows at a time. */
    private static final int BATCH = 64;

    private final long seed;
    private final Map<String, TensorData> weights = new HashMap<>();
    /** Per BN layer: mean and variance (null until fitted). */
    private final Map<String, float[][]> bn = new HashMap<>();
    private RidgeHead head;

    private DemoModel(long seed) {
        this.seed = seed;
        Random r = new Random(seed);
        weights.put("conv1.w", TensorData.ofFloats(new int[] {C1, 1, 3, 3}, edgeFilters()));
        weights.put("conv2.w", he(r, C2, C1));
        weights.put("conv3.w", he(r, C2, C2));
        weights.put("conv4.w", he(r, C2, C2));
    }

    /** What fitting measured, for the log and tests. */
    public record Fit(Graph graph, int trainingRows, double trainingAccuracy) {
        public String describe() {
            return String.format(Locale.ROOT, "ridge head fitted on %,d clean rows (training top-1 %.2f%%)", trainingRows,
                    100 * trainingAccuracy);
        }
    }

    /**
     * Builds and fits the model on {@code trainingRows} images of the data's training stream; BN statistics use the
     * first {@code bnRows} of them.
     */
    public static Fit fit(ShapesDataset data, long seed, int trainingRows, int bnRows) {
        DemoModel m = new DemoModel(seed);
        float[] x = new float[trainingRows * ShapesDataset.PIXELS];
        int[] labels = new int[trainingRows];
        for (int i = 0; i < trainingRows; i++) {
            ShapesDataset.Image img = data.image(ShapesDataset.TRAINING_STREAM, i);
            labels[i] = img.label();
            System.arraycopy(img.pixels(), 0, x, i * ShapesDataset.PIXELS, ShapesDataset.PIXELS);
        }
        int statRows = Math.min(bnRows, trainingRows);
        for (String layer : List.of("conv1", "conv2", "conv3", "conv4")) {
            // The graph up to this conv's raw output, with every earlier BN already fitted.
            float[] out = m.run(layer + ".out", x, statRows);
            m.bn.put(layer, channelMeanVar(out, statRows, layer.equals("conv1") ? C1 : C2));
        }
        float[] features = m.run("features", x, trainingRows);
        m.head = RidgeHead.fit(features, labels, FEATURES, ShapesDataset.CLASSES.size());
        int[] predicted = m.head.predict(features);
        int correct = 0;
        for (int i = 0; i < trainingRows; i++) if (predicted[i] == labels[i]) correct++;
        return new Fit(m.graph(OUTPUT), trainingRows, (double) correct / trainingRows);
    }

    /** The ONNX bytes of a fitted model (deterministic: OnnxModelWriter writes the same bytes for the same graph). */
    public static byte[] bytes(Graph g) {
        return OnnxModelWriter.toBytes(g);
    }

    /** Runs the first {@code rows} images through the graph that ends at {@code value}. */
    private float[] run(String value, float[] x, int rows) {
        InferenceSession s = new CompiledModel(graph(value)).newSession();
        int per = ShapesDataset.PIXELS;
        float[] result = null;
        int outPer = 0;
        for (int start = 0; start < rows; start += BATCH) {
            int b = Math.min(BATCH, rows - start);
            float[] in = new float[b * per];
            System.arraycopy(x, start * per, in, 0, b * per);
            float[] y = s.run(in, b);
            if (result == null) {
                outPer = y.length / b;
                result = new float[rows * outPer];
            }
            System.arraycopy(y, 0, result, start * outPer, y.length);
        }
        return result;
    }

    /** Per-channel mean and (population) variance over batch and space of an NCHW tensor, in double. */
    private static float[][] channelMeanVar(float[] t, int rows, int channels) {
        int hw = t.length / rows / channels;
        float[] mean = new float[channels];
        float[] var = new float[channels];
        for (int c = 0; c < channels; c++) {
            double s = 0, ss = 0;
            for (int n = 0; n < rows; n++) {
                int base = (n * channels + c) * hw;
                for (int i = 0; i < hw; i++) {
                    double v = t[base + i];
                    s += v;
                    ss += v * v;
                }
            }
            double count = (double) rows * hw;
            double mu = s / count;
            mean[c] = (float) mu;
            var[c] = (float) Math.max(ss / count - mu * mu, 1e-6);
        }
        return new float[][] {mean, var};
    }

    /**
     * The graph whose output is {@code until}: a conv's raw output ("conv2.out", for fitting its BN), "features"
     * (the pooled, flattened features, for fitting the head) or the logits.
     */
    private Graph graph(String until) {
        Graph g = new Graph().setName("shapes-cnn").setProducer("quantlake-demo", "1");
        g.setIrVersion(7);  // IR 7 covers opset 13
        g.opsets().put("", OPSET);
        g.metadata().put("description", "quantlake demo CNN for 28x28 grayscale shapes, classes: "
                + String.join(", ", ShapesDataset.CLASSES));
        g.metadata().put("seed", Long.toString(seed));
        g.addInput(new ValueInfo(INPUT, ElemType.FLOAT, new int[] {-1, 1, 28, 28}, new String[] {"N", null, null, null}));
        List<Node> nodes = new ArrayList<>();
        String x = INPUT;
        String y;
        x = convBn(g, nodes, "conv1", x, true);
        if (x == null) return finish(g, nodes, "conv1.out");
        nodes.add(Node.of("pool1", "MaxPool", List.of(x), List.of("pool1.out"), Attribute.ofInts("kernel_shape", 2, 2),
                Attribute.ofInts("strides", 2, 2)));
        String r2 = convBn(g, nodes, "conv2", "pool1.out", true);
        if (r2 == null) return finish(g, nodes, "conv2.out");
        String r3 = convBn(g, nodes, "conv3", r2, true);
        if (r3 == null) return finish(g, nodes, "conv3.out");
        String n4 = convBn(g, nodes, "conv4", r3, false);
        if (n4 == null) return finish(g, nodes, "conv4.out");
        nodes.add(Node.of("residual.add", "Add", List.of(r2, n4), List.of("residual.sum")));
        nodes.add(Node.of("residual.relu", "Relu", List.of("residual.sum"), List.of("residual.out")));
        nodes.add(Node.of("pool2", "AveragePool", List.of("residual.out"), List.of("pool2.out"),
                Attribute.ofInts("kernel_shape", 2, 2), Attribute.ofInts("strides", 2, 2)));
        nodes.add(Node.of("flatten", "Flatten", List.of("pool2.out"), List.of("features"), Attribute.of("axis", 1L)));
        if (until.equals("features")) return finish(g, nodes, "features");
        g.addInitializer("head.w", TensorData.ofFloats(new int[] {FEATURES, head.classes()}, head.weights()));
        g.addInitializer("head.b", TensorData.ofFloats(new int[] {head.classes()}, head.bias()));
        nodes.add(Node.of("head", "Gemm", List.of("features", "head.w", "head.b"), List.of(OUTPUT)));
        return finish(g, nodes, OUTPUT);
    }

    /** Adds conv [+ bn [+ relu]] and returns the last output, or null when the BN is not fitted yet. */
    private String convBn(Graph g, List<Node> nodes, String name, String in, boolean relu) {
        g.addInitializer(name + ".w", weights.get(name + ".w"));
        nodes.add(Node.of(name, "Conv", List.of(in, name + ".w"), List.of(name + ".out"),
                Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("pads", 1, 1, 1, 1)));
        float[][] stats = bn.get(name);
        if (stats == null) return null;
        int c = stats[0].length;
        float[] ones = new float[c];
        java.util.Arrays.fill(ones, 1f);
        String b = name.replace("conv", "bn");
        g.addInitializer(b + ".scale", TensorData.ofFloats(new int[] {c}, ones));
        g.addInitializer(b + ".bias", TensorData.ofFloats(new int[] {c}, new float[c]));
        g.addInitializer(b + ".mean", TensorData.ofFloats(new int[] {c}, stats[0]));
        g.addInitializer(b + ".var", TensorData.ofFloats(new int[] {c}, stats[1]));
        nodes.add(Node.of(b, "BatchNormalization", List.of(name + ".out", b + ".scale", b + ".bias", b + ".mean", b + ".var"),
                List.of(b + ".out"), Attribute.of("epsilon", 1e-5f)));
        if (!relu) return b + ".out";
        String r = name.replace("conv", "relu");
        nodes.add(Node.of(r, "Relu", List.of(b + ".out"), List.of(r + ".out")));
        return r + ".out";
    }

    private static Graph finish(Graph g, List<Node> nodes, String output) {
        nodes.forEach(g::addNode);
        g.addOutput(new ValueInfo(output, ElemType.FLOAT, null, null));
        return g;
    }

    /**
     * Eight 3x3 filters a first layer typically learns: the two signs of vertical, horizontal and one diagonal edge
     * (ReLU keeps one sign each), the other diagonal, and a centre-surround blob detector.
     */
    private static float[] edgeFilters() {
        float[][] f = {
            {-1, 0, 1, -2, 0, 2, -1, 0, 1},     // dark -> light, left to right
            {1, 0, -1, 2, 0, -2, 1, 0, -1},
            {-1, -2, -1, 0, 0, 0, 1, 2, 1},     // dark -> light, top to bottom
            {1, 2, 1, 0, 0, 0, -1, -2, -1},
            {0, 1, 2, -1, 0, 1, -2, -1, 0},     // diagonal
            {0, -1, -2, 1, 0, -1, 2, 1, 0},
            {2, 1, 0, 1, 0, -1, 0, -1, -2},     // other diagonal
            {-1, -1, -1, -1, 8, -1, -1, -1, -1} // centre-surround
        };
        float[] w = new float[C1 * 9];
        for (int i = 0; i < C1; i++) System.arraycopy(f[i], 0, w, i * 9, 9);
        return w;
    }

    /** He-normal weights for a 3x3 conv: sd sqrt(2 / fan-in), from the model's seeded generator. */
    private static TensorData he(Random r, int out, int in) {
        float[] w = new float[out * in * 9];
        double sd = Math.sqrt(2.0 / (in * 9));
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * sd);
        return TensorData.ofFloats(new int[] {out, in, 3, 3}, w);
    }
}
