package org.quantlake.core.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.quantlake.core.engine.Step;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.tensor.Shapes;

/**
 * Ops whose output is the input's data under a new shape: Identity, Dropout (inference: pass-through), Flatten,
 * Reshape, Squeeze, Unsqueeze. No step runs; the plan aliases the buffer. On constant inputs they fold.
 *
 * <p>Batch rule for models exported with a fixed batch (e.g. [1, 1, 28, 28]) that we run batched: a Reshape target
 * whose dim 0 equals the model's declared batch, applied to a tensor whose dim 0 is the plan's batch, keeps dim 0
 * as the batch. Likewise Squeeze without axes never removes dim 0 when running a different batch than declared.
 */
final class ViewOps extends OpDef {
    enum Kind { IDENTITY, DROPOUT, FLATTEN, RESHAPE, SQUEEZE, UNSQUEEZE }

    private final Kind kind;

    ViewOps(Kind kind) {
        this.kind = kind;
    }

    @Override
    public boolean isView() {
        return true;
    }

    /** Views keep their input's element type: the int8 engine reshapes bytes as freely as floats. */
    @Override
    public ElemType outputType(OpContext c, int i) {
        return c.inType(0);
    }

    @Override
    public int[][] inferShapes(OpContext c) {
        int[] x = c.requireShape(0);
        return switch (kind) {
            case IDENTITY, DROPOUT -> {
                if (kind == Kind.DROPOUT && c.hasInput(2)) {
                    TensorData t = c.inConst(2);
                    if (t == null || t.asLongs()[0] != 0) throw c.unsupported("training_mode must be a constant false");
                }
                yield new int[][] {x};
            }
            case FLATTEN -> {
                int axis = (int) c.node().attrInt("axis", 1);
                if (axis < 0) axis += x.length;
                if (axis < 0 || axis > x.length) throw c.fail("axis " + c.node().attrInt("axis", 1) + " out of range for rank " + x.length);
                yield new int[][] {{Shapes.product(x, 0, axis), Shapes.product(x, axis, x.length)}};
            }
            case RESHAPE -> new int[][] {reshape(c, x)};
            case SQUEEZE -> new int[][] {squeeze(c, x)};
            case UNSQUEEZE -> new int[][] {unsqueeze(c, x)};
        };
    }

    private static int[] reshape(OpContext c, int[] x) {
        long[] target;
        if (c.opset() < 5) {
            target = c.node().attr("shape") == null ? null : c.node().attr("shape").ints();
        } else {
            target = c.requireConst(1, "shape").asLongs();
        }
        if (target == null) throw c.fail("Reshape without a target shape");
        boolean allowZero = c.node().attrInt("allowzero", 0) != 0;
        int[] out = new int[target.length];
        int inferred = -1;
        long known = 1;
        int size = Shapes.size(x);
        boolean batchRule = c.inConst(0) == null && c.declaredBatch() > 0 && c.declaredBatch() != c.planBatch()
                && x.length > 0 && x[0] == c.planBatch() && target.length > 0 && target[0] == c.declaredBatch();
        for (int i = 0; i < target.length; i++) {
            long t = target[i];
            if (i == 0 && batchRule) {
                t = c.planBatch();
            } else if (t == 0 && !allowZero) {
                if (i >= x.length) throw c.fail("shape " + Arrays.toString(target) + " copies dim " + i + " of a rank-" + x.length + " input");
                t = x[i];
            }
            if (t == -1) {
                if (inferred >= 0) throw c.fail("shape " + Arrays.toString(target) + " has more than one -1");
                inferred = i;
                continue;
            }
            if (t < 0 || t > Integer.MAX_VALUE) throw c.fail("shape " + Arrays.toString(target) + " has invalid dim " + t);
            out[i] = (int) t;
            known *= t;
        }
        if (inferred >= 0) {
            if (known == 0 || size % known != 0) throw c.fail("cannot reshape " + OpContext.str(x) + " to " + Arrays.toString(target));
            out[inferred] = (int) (size / known);
        } else if (known != size) {
            throw c.fail("cannot reshape " + OpContext.str(x) + " (" + size + " elements) to " + Arrays.toString(target));
        }
        return out;
    }

    private static long[] axes(OpContext c) {
        if (c.opset() < 13) {
            return c.node().attr("axes") == null ? null : c.node().attr("axes").ints();
        }
        return c.hasInput(1) ? c.requireConst(1, "axes").asLongs() : null;
    }

    private static int[] squeeze(OpContext c, int[] x) {
        long[] axes = axes(c);
        boolean[] drop = new boolean[x.length];
        if (axes == null) {
            boolean keepBatch = c.inConst(0) == null && c.declaredBatch() > 0 && c.declaredBatch() != c.planBatch();
            for (int i = 0; i < x.length; i++) drop[i] = x[i] == 1 && !(i == 0 && keepBatch);
        } else {
            for (long a : axes) {
                int ax = (int) (a < 0 ? a + x.length : a);
                if (ax < 0 || ax >= x.length) throw c.fail("axis " + a + " out of range for " + OpContext.str(x));
                if (x[ax] != 1) throw c.fail("cannot squeeze axis " + a + " of size " + x[ax]);
                drop[ax] = true;
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < x.length; i++) if (!drop[i]) out.add(x[i]);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] unsqueeze(OpContext c, int[] x) {
        long[] axes = axes(c);
        if (axes == null) throw c.fail("Unsqueeze needs axes");
        int r = x.length + axes.length;
        boolean[] ins = new boolean[r];
        for (long a : axes) {
            int ax = (int) (a < 0 ? a + r : a);
            if (ax < 0 || ax >= r || ins[ax]) throw c.fail("bad or repeated axis " + a + " for output rank " + r);
            ins[ax] = true;
        }
        int[] out = new int[r];
        for (int i = 0, j = 0; i < r; i++) out[i] = ins[i] ? 1 : x[j++];
        return out;
    }

    @Override
    public TensorData[] fold(OpContext c) {
        TensorData x = c.inConst(0);
        if (x == null) return null;
        return new TensorData[] {x.reshape(inferShapes(c)[0])};
    }

    @Override
    public Step compile(OpContext c) {
        throw new IllegalStateException("view ops run no step");
    }
}
