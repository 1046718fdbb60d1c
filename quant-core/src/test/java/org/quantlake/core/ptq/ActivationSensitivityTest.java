package org.quantlake.core.ptq;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.testutil.ModelZoo;

/** The per-activation sensitivity table finds a deliberately coarse activation and brackets every row by the two references. */
class ActivationSensitivityTest {
    static final int SIZE = 32;

    static List<float[]> samples(int n, long seed) {
        List<float[]> s = new ArrayList<>();
        for (int i = 0; i < n; i++) s.add(ModelZoo.randomImages(1, SIZE, seed + i));
        return s;
    }

    static QuantizedModel quantized(Graph g) {
        List<float[]> calib = new ArrayList<>();
        for (int i = 0; i < 4; i++) calib.add(ModelZoo.randomImages(2, SIZE, 100 + i));
        return new PostTrainingQuantizer(g, QConfig.defaults()).quantize(calib, "random images");
    }

    @Test
    void aCoarseActivationRanksFirstAndRowsLieBetweenTheReferences() {
        Graph g = ModelZoo.resnet18(SIZE, 7);
        QuantizedModel qm = quantized(g);
        Map<String, List<Node>> groups = ActivationSensitivity.activationGroups(qm.qdqGraph());
        assertTrue(groups.size() > 10, groups.size() + " groups");

        // make one mid-network activation 32x coarser than calibration chose
        List<List<Node>> ordered = new ArrayList<>(groups.values());
        List<Node> victim = ordered.get(ordered.size() / 2);
        Graph tampered = qm.qdqGraph().copy();
        String scale = victim.get(0).input(1);
        float s = tampered.initializers().get(scale).asFloats()[0];
        tampered.initializers().put(scale, TensorData.scalar(32 * s));
        QuantizedModel coarse = new QuantizedModel(tampered, qm.stats());

        ActivationSensitivity.Report r = ActivationSensitivity.measure(coarse, g, samples(6, 1));
        System.out.print(r.table());
        assertEquals(groups.size(), r.groups().size());
        List<String> victimTensors = victim.stream().map(q -> q.input(0)).toList();
        assertEquals(victimTensors, r.groups().get(0).tensors(), "the coarse activation must cost the most");
        assertTrue(r.shareRemoved(r.groups().get(0)) > 0.5, "it carries most of the activation error: " + r.shareRemoved(r.groups().get(0)));
        assertTrue(r.weightsOnly().outputMse() < r.quantized().outputMse());
        for (ActivationSensitivity.Row row : r.groups()) {
            assertTrue(Double.isFinite(row.outputMse()), row.label());
            assertTrue(row.top1Agreement() >= 0 && row.top1Agreement() <= 1, row.label());
        }
        for (int i = 1; i < r.groups().size(); i++) assertTrue(r.groups().get(i - 1).outputMse() <= r.groups().get(i).outputMse(), "costliest first");
        assertEquals(r.groups().size() + 2, r.table().lines().count() - 1);

        // compared at an early activation, only the groups upstream of it can change its error; the rest leave it as
        // exported, to the bit
        String early = ordered.get(2).get(0).input(0);
        ActivationSensitivity.Report e = ActivationSensitivity.measure(coarse, g, samples(3, 2), early);
        assertTrue(e.quantized().outputMse() > 0, early + " carries rounding from upstream");
        int changed = 0;
        for (ActivationSensitivity.Row row : e.groups()) if (row.outputMse() != e.quantized().outputMse()) changed++;
        assertTrue(changed >= 1 && changed <= 3, changed + " groups changed the error at " + early + "\n" + e.table());
    }

    @Test
    void leavingEveryActivationInFloatRemovesEveryActivationQuantizerAndKeepsTheModel() {
        Graph g = ModelZoo.mobilenetV2(SIZE, 8);
        QuantizedModel qm = quantized(g);
        int before = qm.qdqGraph().nodes().size();
        List<Node> all = new ArrayList<>();
        for (List<Node> group : ActivationSensitivity.activationGroups(qm.qdqGraph()).values()) all.addAll(group);
        Graph f = ActivationSensitivity.withoutQuantization(qm.qdqGraph(), all);
        assertEquals(before, qm.qdqGraph().nodes().size(), "the exported graph is not modified");
        assertTrue(ActivationSensitivity.activationGroups(f).isEmpty());
        for (Node n : f.nodes()) {
            if (n.opType().equals("DequantizeLinear")) assertTrue(f.isConstant(n.input(0)), "only weight and bias DQs remain: " + n.name());
        }
        // weights only: the int8 engine runs it in float with dequantized weights, close to the float model
        ActivationSensitivity.Report r = ActivationSensitivity.measure(qm, g, samples(3, 5));
        assertTrue(r.weightsOnly().outputMse() < r.quantized().outputMse());
    }

    @Test
    void refusesEmptyOrRaggedSamples() {
        Graph g = ModelZoo.resnet18(SIZE, 9);
        QuantizedModel qm = quantized(g);
        assertThrows(IllegalArgumentException.class, () -> ActivationSensitivity.measure(qm, g, List.of()));
        List<float[]> ragged = new ArrayList<>(samples(2, 3));
        ragged.add(new float[5]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ActivationSensitivity.measure(qm, g, ragged));
        assertTrue(e.getMessage().contains("sample 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ActivationSensitivity.measure(qm, g, samples(1, 3), "no_such_value"));
        assertTrue(e.getMessage().contains("'no_such_value'"), e.getMessage());
    }
}
