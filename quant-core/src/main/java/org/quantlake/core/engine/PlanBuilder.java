package org.quantlake.core.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.ModelException;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.kernels.FloatKernels;
import org.quantlake.core.kernels.Int8Kernels;
import org.quantlake.core.ops.OpContext;
import org.quantlake.core.ops.OpDef;
import org.quantlake.core.ops.OpRegistry;
import org.quantlake.core.tensor.Shapes;

/**
 * Compiles a graph for fixed input shapes into a {@link Plan}, in four passes:
 * <ol>
 *   <li>shapes and folding, in topological order: a node whose inputs are all constant (or a Shape of a
 *       statically shaped value) is evaluated now and becomes a constant, which folds the Shape/Gather/Unsqueeze/
 *       Concat arithmetic exporters put before a Reshape; other nodes get their output shapes inferred;</li>
 *   <li>liveness: each runtime value's last reader (graph outputs live to the end; views share their source's
 *       storage and extend its life);</li>
 *   <li>slots: best-fit reuse of freed slots, so memory tracks the peak of live values, not their sum;</li>
 *   <li>steps: each runtime node's {@link OpDef#compile}.</li>
 * </ol>
 * With {@code fuseActivations}, a Relu or constant-bound Clip that is the only reader of a Conv's output (not a graph
 * output) is fused in pass 1: the Conv clamps in its epilogue ({@link OpContext#fusedClamp}), the activation runs no
 * step and shares the Conv output's storage, as a view does. The pre-activation value then never exists, so it is not
 * reported to observers: plans that observe values (calibration) are built without fusion.
 */
final class PlanBuilder {
    /** What pass 1 knows of a value. */
    private static final class Value {
        final int[] shape;
        final TensorData constant;  // non-null for constants
        final ElemType type;
        final SlotKind kind;
        int storage = -1;           // runtime values: storage id (views share their source's)
        boolean batchDependent;     // a constant computed from a runtime value's shape (changes with the batch)

        Value(int[] shape, TensorData constant, ElemType type) {
            this.shape = shape;
            this.constant = constant;
            this.type = constant != null ? constant.type() : type;
            this.kind = constant != null ? null : SlotKind.of(type);
        }
    }

    private record RuntimeNode(Node node, OpDef def, int[][] outShapes) {}

    private final Graph graph;
    private final FloatKernels kernels;
    private final Int8Kernels int8Kernels;
    private final Map<String, Object> prepared;
    private final int declaredBatch;
    private final int batch;
    private final boolean fuseActivations;
    /** Conv node name -> the fused activation's [lo, hi]; and the fused activation nodes (no step). */
    private final Map<String, float[]> fusedClamp = new HashMap<>();
    private final java.util.Set<String> fusedActivations = new java.util.HashSet<>();
    private final Map<String, Value> values = new HashMap<>();
    private int storages;

    // slot table
    private final List<SlotKind> kinds = new ArrayList<>();
    private final List<Integer> sizes = new ArrayList<>();
    private final List<Object> constants = new ArrayList<>();
    private final Map<String, Integer> constSlot = new HashMap<>();
    private final Map<String, Integer> scratchSlot = new HashMap<>();

    PlanBuilder(Graph graph, FloatKernels kernels, Int8Kernels int8Kernels, Map<String, Object> prepared, int declaredBatch, int batch) {
        this(graph, kernels, int8Kernels, prepared, declaredBatch, batch, false);
    }

    PlanBuilder(Graph graph, FloatKernels kernels, Int8Kernels int8Kernels, Map<String, Object> prepared, int declaredBatch,
                int batch, boolean fuseActivations) {
        this.fuseActivations = fuseActivations;
        this.graph = graph;
        this.kernels = kernels;
        this.int8Kernels = int8Kernels;
        this.prepared = prepared;
        this.declaredBatch = declaredBatch;
        this.batch = batch;
    }

    /**
     * Pass 1 only: the values that fold to constants independently of the batch (pure functions of initializers),
     * by the name of the value.
     */
    Map<String, TensorData> foldableConstants(Map<String, int[]> inputShapes) {
        build(inputShapes, true);
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, Value> e : values.entrySet()) {
            Value v = e.getValue();
            if (v.constant != null && !v.batchDependent && !graph.initializers().containsKey(e.getKey())) out.put(e.getKey(), v.constant);
        }
        return out;
    }

    Plan build(Map<String, int[]> inputShapes) {
        return build(inputShapes, false);
    }

    private Plan build(Map<String, int[]> inputShapes, boolean foldOnly) {
        for (Map.Entry<String, TensorData> e : graph.initializers().entrySet()) {
            values.put(e.getKey(), new Value(e.getValue().dims(), e.getValue(), null));
        }
        List<String> inputNames = new ArrayList<>();
        for (var in : graph.inputs()) {
            int[] s = inputShapes.get(in.name());
            if (s == null) throw new ModelException(graph.source() + ": no shape given for input '" + in.name() + "'");
            try {
                Shapes.size(s);
            } catch (IllegalArgumentException e) {
                throw new ModelException(graph.source() + ": input '" + in.name() + "': " + e.getMessage(), e);
            }
            Value v = new Value(s.clone(), null, ElemType.FLOAT);
            v.storage = storages++;
            values.put(in.name(), v);
            inputNames.add(in.name());
        }
        // pass 1: shapes and folding
        List<RuntimeNode> runtime = new ArrayList<>();
        for (Node n : graph.topologicalOrder()) {
            int opset = n.domain().isEmpty() ? graph.opset() : graph.opsets().getOrDefault(n.domain(), 1);
            OpDef def = OpRegistry.get(n, opset);
            RuntimeNode rn = guarded(n, () -> shapeOrFold(n, opset, def));
            if (rn != null) runtime.add(rn);
        }
        if (foldOnly) return null;
        // pass 2: liveness per storage
        int[] last = new int[storages];
        java.util.Arrays.fill(last, -1);
        for (int i = 0; i < runtime.size(); i++) {
            for (String in : runtime.get(i).node.inputs()) {
                Value v = values.get(in);
                if (v != null && v.constant == null) last[v.storage] = Math.max(last[v.storage], i);
            }
            for (String o : runtime.get(i).node.outputs()) {
                Value v = values.get(o);
                if (v != null && v.constant == null) last[v.storage] = Math.max(last[v.storage], i);
            }
        }
        List<String> outputNames = new ArrayList<>();
        for (var o : graph.outputs()) {
            Value v = values.get(o.name());
            if (v == null) throw new ModelException(graph.source() + ": graph output '" + o.name() + "' was not computed");
            if (v.constant == null) last[v.storage] = Integer.MAX_VALUE;
            outputNames.add(o.name());
        }
        // pass 3: slots
        int[] storageSlot = new int[storages];
        java.util.Arrays.fill(storageSlot, -1);
        int[] storageSize = new int[storages];
        SlotKind[] storageKind = new SlotKind[storages];
        for (Value v : values.values()) {
            if (v.constant != null) continue;
            storageSize[v.storage] = Math.max(storageSize[v.storage], Shapes.size(v.shape));
            if (storageKind[v.storage] == null) storageKind[v.storage] = v.kind;
        }
        for (String in : inputNames) {
            Value v = values.get(in);
            storageSlot[v.storage] = newSlot(SlotKind.FLOAT, storageSize[v.storage], null);
        }
        List<Integer> free = new ArrayList<>();
        for (int i = 0; i < runtime.size(); i++) {
            RuntimeNode rn = runtime.get(i);
            for (String o : rn.node.outputs()) {
                Value v = values.get(o);
                if (v == null || v.constant != null || storageSlot[v.storage] >= 0) continue;
                storageSlot[v.storage] = takeSlot(free, storageKind[v.storage], storageSize[v.storage]);
            }
            for (int s = 0; s < storages; s++) {
                if (last[s] == i && storageSlot[s] >= 0 && !isInputStorage(s, inputNames)) free.add(storageSlot[s]);
            }
        }
        Map<String, Integer> slotOf = new LinkedHashMap<>();
        Map<String, int[]> shapeOf = new LinkedHashMap<>();
        for (Map.Entry<String, Value> e : values.entrySet()) {
            Value v = e.getValue();
            shapeOf.put(e.getKey(), v.shape);
            if (v.constant == null) slotOf.put(e.getKey(), storageSlot[v.storage]);
        }
        for (String o : outputNames) {
            Value v = values.get(o);
            if (v.constant != null) slotOf.put(o, constantSlot(o, v.constant));
        }
        // pass 4: steps
        List<Plan.Entry> entries = new ArrayList<>();
        for (RuntimeNode rn : runtime) {
            int opset = rn.node.domain().isEmpty() ? graph.opset() : graph.opsets().getOrDefault(rn.node.domain(), 1);
            Ctx ctx = new Ctx(rn.node, opset, rn.outShapes);
            ctx.slots = storageSlot;
            boolean noStep = rn.def.isView() || fusedActivations.contains(rn.node.name());
            Step step = noStep ? null : guarded(rn.node, () -> rn.def.compile(ctx));
            List<String> reported = new ArrayList<>();
            boolean clamped = fusedClamp.containsKey(rn.node.name());  // its output holds the activation's values
            for (String o : rn.node.outputs()) if (!clamped && values.containsKey(o) && values.get(o).kind == SlotKind.FLOAT) reported.add(o);
            entries.add(new Plan.Entry(rn.node.name(), step, reported.toArray(new String[0])));
        }
        checkFitsHeap();
        for (Map.Entry<String, Integer> e : constSlot.entrySet()) slotOf.putIfAbsent(e.getKey(), e.getValue());
        int n = kinds.size();
        int[] sz = new int[n];
        for (int i = 0; i < n; i++) sz[i] = sizes.get(i);
        return new Plan(batch, entries.toArray(new Plan.Entry[0]), kinds.toArray(new SlotKind[0]), sz, constants.toArray(),
                slotOf, shapeOf, List.copyOf(inputNames), List.copyOf(outputNames));
    }

    /** Pass 1 for one node: folds it into constants (returns null) or infers its output shapes. */
    private RuntimeNode shapeOrFold(Node n, int opset, OpDef def) {
        Ctx ctx = new Ctx(n, opset, null);
        TensorData[] folded = tryFold(def, ctx);
        if (folded != null) {
            boolean dependent = false;
            for (String in : n.inputs()) {
                Value v = in.isEmpty() ? null : values.get(in);
                if (v != null && (v.constant == null || v.batchDependent)) dependent = true;
            }
            for (int i = 0; i < n.outputs().size() && i < folded.length; i++) {
                if (n.output(i).isEmpty()) continue;
                Value v = new Value(folded[i].dims(), folded[i], null);
                v.batchDependent = dependent;
                values.put(n.output(i), v);
            }
            return null;
        }
        int[][] outs = def.inferShapes(ctx);
        boolean fused = fuseActivation(n, ctx);
        for (int i = 0; i < outs.length; i++) {
            String o = n.output(i);
            if (o.isEmpty()) continue;
            Shapes.size(outs[i]);  // refuses shapes over 2^31-1 elements
            Value v = new Value(outs[i], null, def.outputType(ctx, i));
            v.storage = (def.isView() || fused) && i == 0 ? values.get(n.input(0)).storage : storages++;
            values.put(o, v);
        }
        return new RuntimeNode(n, def, outs);
    }

    /** Whether activation node {@code n} fuses into the Conv producing its input (recorded if so). */
    private boolean fuseActivation(Node n, OpContext ctx) {
        if (!fuseActivations || n.inputs().isEmpty()) return false;
        float[] clamp = org.quantlake.core.ops.Activations.clamp(ctx);
        if (clamp == null) return false;
        String x = n.input(0);
        Node producer = graph.producer(x);
        Value xv = values.get(x);
        if (producer == null || !producer.opType().equals("Conv") || !producer.domain().isEmpty() || xv == null
                || xv.constant != null || xv.kind != SlotKind.FLOAT || graph.isGraphOutput(x)
                || graph.consumers(x).size() != 1 || fusedClamp.containsKey(producer.name())) {
            return false;
        }
        fusedClamp.put(producer.name(), clamp);
        fusedActivations.add(n.name());
        return true;
    }

    /**
     * Runs one node's plan work, turning the IllegalArgumentException / ArithmeticException that shape helpers
     * throw on values a model supplies (sizes over 2^31-1, bad axes, overflowing buffer sizes) into a
     * ModelException naming the node.
     */
    private <T> T guarded(Node n, Supplier<T> work) {
        try {
            return work.get();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ModelException(graph.source() + ": node " + n.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a plan whose activations cannot fit the heap at all, so a huge input shape is a ModelException at
     * plan time rather than an OutOfMemoryError when a session allocates its arena.
     */
    private void checkFitsHeap() {
        long bytes = 0;
        for (int i = 0; i < kinds.size(); i++) {
            if (constants.get(i) == null) bytes += (long) sizes.get(i) * (kinds.get(i) == SlotKind.BYTE ? 1 : 4);
        }
        long max = Runtime.getRuntime().maxMemory();
        if (bytes > max) {
            throw new ModelException(String.format("%s: a plan for batch %d needs %.1f GiB of activation memory, more than the "
                    + "%.1f GiB maximum heap; use a smaller batch or input, or a larger -Xmx", graph.source(), batch,
                    bytes / (double) (1L << 30), max / (double) (1L << 30)));
        }
    }

    private boolean isInputStorage(int s, List<String> inputNames) {
        for (String in : inputNames) if (values.get(in).storage == s) return true;
        return false;
    }

    /** Best fit among free slots of the kind (growing the largest when none fits), else a new slot. */
    private int takeSlot(List<Integer> free, SlotKind kind, int size) {
        int best = -1;
        int largest = -1;
        for (int i = 0; i < free.size(); i++) {
            int s = free.get(i);
            if (kinds.get(s) != kind) continue;
            if (sizes.get(s) >= size && (best < 0 || sizes.get(s) < sizes.get(free.get(best)))) best = i;
            if (largest < 0 || sizes.get(s) > sizes.get(free.get(largest))) largest = i;
        }
        int pick = best >= 0 ? best : largest;
        if (pick >= 0) {
            int s = free.remove(pick);
            sizes.set(s, Math.max(sizes.get(s), size));
            return s;
        }
        return newSlot(kind, size, null);
    }

    private int newSlot(SlotKind kind, int size, Object constant) {
        kinds.add(kind);
        sizes.add(size);
        constants.add(constant);
        return kinds.size() - 1;
    }

    private int constantSlot(String name, TensorData t) {
        Integer s = constSlot.get(name);
        if (s != null) return s;
        Object data = switch (t.type()) {
            case FLOAT -> t.floats();
            case UINT8, INT8, BOOL -> t.bytes();
            case INT32 -> t.ints();
            default -> t.asFloats();
        };
        SlotKind k = data instanceof float[] ? SlotKind.FLOAT : data instanceof byte[] ? SlotKind.BYTE : SlotKind.INT;
        int size = data instanceof float[] f ? f.length : data instanceof byte[] b ? b.length : ((int[]) data).length;
        int slot = newSlot(k, size, data);
        constSlot.put(name, slot);
        return slot;
    }

    private TensorData[] tryFold(OpDef def, Ctx ctx) {
        Node n = ctx.node();
        boolean allConst = true;
        for (String in : n.inputs()) {
            if (in.isEmpty()) continue;
            Value v = values.get(in);
            if (v == null) throw new ModelException(graph.source() + ": node " + n.describe() + " reads unknown value '" + in + "'");
            if (v.constant == null) allConst = false;
        }
        if (allConst || n.opType().equals("Shape")) {
            TensorData[] f = def.fold(ctx);
            if (f != null || !allConst || def.isView()) return f;
            return foldByRunning(def, ctx);
        }
        return null;
    }

    /** Generic constant folding: compile the node's float step and run it once on the constants. */
    private TensorData[] foldByRunning(OpDef def, Ctx shapeCtx) {
        Node n = shapeCtx.node();
        for (String in : n.inputs()) {
            if (!in.isEmpty() && values.get(in).constant.type() != ElemType.FLOAT) return null;
        }
        int[][] outs = def.inferShapes(shapeCtx);
        PlanBuilder mini = new PlanBuilder(graph, kernels, int8Kernels, new HashMap<>(), declaredBatch, batch);
        mini.values.putAll(values);
        Ctx c = mini.new Ctx(n, shapeCtx.opset(), outs);
        c.foldOutputs = new int[outs.length];
        for (int i = 0; i < outs.length; i++) c.foldOutputs[i] = mini.newSlot(SlotKind.FLOAT, Shapes.size(outs[i]), null);
        Step step = def.compile(c);
        Object[] buf = new Object[mini.kinds.size()];
        for (int i = 0; i < buf.length; i++) buf[i] = mini.constants.get(i) != null ? mini.constants.get(i) : mini.kinds.get(i).allocate(mini.sizes.get(i));
        step.run(new Arena(buf));
        TensorData[] r = new TensorData[outs.length];
        for (int i = 0; i < outs.length; i++) r[i] = TensorData.ofFloats(outs[i], (float[]) buf[c.foldOutputs[i]]);
        return r;
    }

    /** The context ops see. */
    private final class Ctx extends OpContext {
        private final int[][] outShapes;
        int[] slots;        // storage -> slot, for compile
        int[] foldOutputs;  // output slots when folding by running

        Ctx(Node node, int opset, int[][] outShapes) {
            super(node, opset);
            this.outShapes = outShapes;
        }

        private Value in(int i) {
            return node.hasInput(i) ? values.get(node.input(i)) : null;
        }

        @Override
        public int[] inShape(int i) {
            Value v = in(i);
            return v == null ? null : v.shape.clone();
        }

        @Override
        public TensorData inConst(int i) {
            Value v = in(i);
            return v == null ? null : v.constant;
        }

        @Override
        public ElemType inType(int i) {
            Value v = in(i);
            return v == null ? null : v.type;
        }

        @Override
        public int declaredBatch() { return declaredBatch; }

        @Override
        public int planBatch() { return batch; }

        @Override
        public int[] outShape(int i) { return outShapes[i].clone(); }

        @Override
        public int inSlot(int i) {
            Value v = in(i);
            if (v == null) throw fail("input " + i + " is absent");
            if (v.constant != null) return constantSlot(node.input(i), v.constant);
            return slots[v.storage];
        }

        @Override
        public int outSlot(int i) {
            if (foldOutputs != null) return foldOutputs[i];
            return slots[values.get(node.output(i)).storage];
        }

        @Override
        public int scratch(int k, int floats) {
            return scratchOf("f" + k, SlotKind.FLOAT, floats);
        }

        @Override
        public int byteScratch(int k, int bytes) {
            return scratchOf("b" + k, SlotKind.BYTE, bytes);
        }

        @Override
        public int intScratch(int k, int ints) {
            return scratchOf("i" + k, SlotKind.INT, ints);
        }

        private int scratchOf(String key, SlotKind kind, int size) {
            Integer s = scratchSlot.get(key);
            if (s == null) {
                s = newSlot(kind, size, null);
                scratchSlot.put(key, s);
            } else {
                sizes.set(s, Math.max(sizes.get(s), size));
            }
            return s;
        }

        @Override
        public float[] fusedClamp() {
            float[] c = fusedClamp.get(node.name());
            return c == null ? null : c.clone();
        }

        @Override
        public FloatKernels kernels() { return kernels; }

        @Override
        public Int8Kernels int8Kernels() { return int8Kernels; }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T prepared(String key, Supplier<T> make) {
            String k = node.name() + "/" + key;
            synchronized (prepared) {
                Object v = prepared.get(k);
                if (v == null) {
                    v = make.get();
                    prepared.put(k, v);
                }
                return (T) v;
            }
        }
    }
}
