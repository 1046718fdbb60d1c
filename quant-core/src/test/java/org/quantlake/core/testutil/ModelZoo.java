package org.quantlake.core.testutil;

import java.util.List;
import java.util.Random;
import org.quantlake.core.graph.Attribute;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.graph.ValueInfo;

/**
 * ResNet-18- and MobileNetV2-shaped float models built in Java (torchvision layouts, opset 13, dynamic batch),
 * with seeded random weights: He-normal convolutions and BatchNormalization statistics that keep activations near
 * unit scale, so they exercise the same fusions (Conv+BN+ReLU, Conv+BN+ReLU6, residual Add+ReLU, GAP, Gemm) and the
 * same kernel shapes as the trained networks. For speed and structure tests, not accuracy.
 */
public final class ModelZoo {
    private final Graph g = new Graph();
    private final Random r;
    private int counter;

    private ModelZoo(String name, long seed) {
        this.r = new Random(seed);
        g.setName(name).setProducer("quantlake-test-zoo", "1").setIrVersion(8);
        g.opsets().put("", 13);
    }

    /** ResNet-18 for {@code size x size} RGB input and 1000 classes. */
    public static Graph resnet18(int size, long seed) {
        ModelZoo z = new ModelZoo("resnet18", seed);
        String x = z.input(size);
        x = z.convBn(x, 3, 64, 7, 2, 3, 1, "relu");
        x = z.node("MaxPool", List.of(x), Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("strides", 2, 2), Attribute.ofInts("pads", 1, 1, 1, 1));
        int in = 64;
        int[] widths = {64, 128, 256, 512};
        for (int stage = 0; stage < 4; stage++) {
            for (int b = 0; b < 2; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                int out = widths[stage];
                String y = z.convBn(x, in, out, 3, stride, 1, 1, "relu");
                y = z.convBn(y, out, out, 3, 1, 1, 1, null);
                String skip = stride != 1 || in != out ? z.convBn(x, in, out, 1, stride, 0, 1, null) : x;
                x = z.node("Relu", List.of(z.node("Add", List.of(y, skip))));
                in = out;
            }
        }
        return z.head(x, in);
    }

    /** MobileNetV2 (width 1.0) for {@code size x size} RGB input and 1000 classes. */
    public static Graph mobilenetV2(int size, long seed) {
        ModelZoo z = new ModelZoo("mobilenetv2", seed);
        String x = z.input(size);
        x = z.convBn(x, 3, 32, 3, 2, 1, 1, "relu6");
        int in = 32;
        int[][] cfg = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
        for (int[] c : cfg) {
            for (int i = 0; i < c[2]; i++) {
                int stride = i == 0 ? c[3] : 1;
                int hidden = in * c[0];
                String y = x;
                if (c[0] != 1) y = z.convBn(y, in, hidden, 1, 1, 0, 1, "relu6");
                y = z.convBn(y, hidden, hidden, 3, stride, 1, hidden, "relu6");
                y = z.convBn(y, hidden, c[1], 1, 1, 0, 1, null);
                x = stride == 1 && in == c[1] ? z.node("Add", List.of(x, y)) : y;
                in = c[1];
            }
        }
        x = z.convBn(x, in, 1280, 1, 1, 0, 1, "relu6");
        return z.head(x, 1280);
    }

    private String input(int size) {
        g.addInput(new ValueInfo("input", ElemType.FLOAT, new int[] {-1, 3, size, size}, new String[] {"batch", null, null, null}));
        return "input";
    }

    private Graph head(String x, int channels) {
        x = node("GlobalAveragePool", List.of(x));
        x = node("Flatten", List.of(x), Attribute.of("axis", 1L));
        String w = init("fc_w", gaussian(1000 * channels, Math.sqrt(1.0 / channels)), 1000, channels);
        String b = init("fc_b", gaussian(1000, 0.01), 1000);
        String y = node("Gemm", List.of(x, w, b), Attribute.of("transB", 1L));
        g.addOutput(new ValueInfo(y, ElemType.FLOAT, new int[] {-1, 1000}, new String[] {"batch", null}));
        return g;
    }

    private String convBn(String x, int cin, int cout, int k, int stride, int pad, int group, String act) {
        int fanIn = cin / group * k * k;
        String w = init("w", gaussian(cout * fanIn, Math.sqrt(2.0 / fanIn)), cout, cin / group, k, k);
        String y = node("Conv", List.of(x, w), Attribute.ofInts("kernel_shape", k, k), Attribute.ofInts("strides", stride, stride),
                Attribute.ofInts("pads", pad, pad, pad, pad), Attribute.of("group", (long) group));
        String gamma = init("bn_gamma", uniform(cout, 0.8, 1.2), cout);
        String beta = init("bn_beta", gaussian(cout, 0.05), cout);
        String mean = init("bn_mean", gaussian(cout, 0.05), cout);
        String var = init("bn_var", uniform(cout, 0.8, 1.2), cout);
        y = node("BatchNormalization", List.of(y, gamma, beta, mean, var), Attribute.of("epsilon", 1e-5f));
        if ("relu".equals(act)) y = node("Relu", List.of(y));
        if ("relu6".equals(act)) {
            String lo = initScalar("clip_min", 0f);
            String hi = initScalar("clip_max", 6f);
            y = node("Clip", List.of(y, lo, hi));
        }
        return y;
    }

    private String node(String op, List<String> inputs, Attribute... attrs) {
        String name = op + "_" + (counter++);
        String out = name + "_out";
        g.addNode(Node.of(name, op, inputs, List.of(out), attrs));
        return out;
    }

    private String init(String base, float[] v, int... dims) {
        String name = base + "_" + (counter++);
        g.addInitializer(name, TensorData.ofFloats(dims, v));
        return name;
    }

    private String initScalar(String base, float v) {
        String name = base + "_" + (counter++);
        g.addInitializer(name, TensorData.scalar(v));
        return name;
    }

    private float[] gaussian(int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * std);
        return v;
    }

    private float[] uniform(int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + r.nextDouble() * (hi - lo));
        return v;
    }

    /** Seeded standard-normal images [n, 3, size, size]. */
    public static float[] randomImages(int n, int size, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * 3 * size * size];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

}
