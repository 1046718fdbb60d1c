package org.quantlake.core.graph;

import java.util.Arrays;
import java.util.List;

/** A node attribute: one typed value, as ONNX's AttributeProto (graph-valued attributes are not supported). */
public final class Attribute {
    public enum Kind { FLOAT, INT, STRING, TENSOR, FLOATS, INTS, STRINGS }

    private final String name;
    private final Kind kind;
    private final Object value;

    private Attribute(String name, Kind kind, Object value) {
        this.name = name;
        this.kind = kind;
        this.value = value;
    }

    public static Attribute of(String name, float v) { return new Attribute(name, Kind.FLOAT, v); }
    public static Attribute of(String name, long v) { return new Attribute(name, Kind.INT, v); }
    public static Attribute of(String name, String v) { return new Attribute(name, Kind.STRING, v); }
    public static Attribute of(String name, TensorData v) { return new Attribute(name, Kind.TENSOR, v); }
    public static Attribute of(String name, float[] v) { return new Attribute(name, Kind.FLOATS, v.clone()); }
    public static Attribute of(String name, long[] v) { return new Attribute(name, Kind.INTS, v.clone()); }
    public static Attribute ofInts(String name, int... v) { return new Attribute(name, Kind.INTS, Arrays.stream(v).asLongStream().toArray()); }
    public static Attribute of(String name, List<String> v) { return new Attribute(name, Kind.STRINGS, List.copyOf(v)); }

    public String name() { return name; }
    public Kind kind() { return kind; }

    public float f() { return (Float) expect(Kind.FLOAT); }
    public long i() { return (Long) expect(Kind.INT); }
    public String s() { return (String) expect(Kind.STRING); }
    public TensorData t() { return (TensorData) expect(Kind.TENSOR); }
    public float[] floats() { return ((float[]) expect(Kind.FLOATS)).clone(); }
    public long[] ints() { return ((long[]) expect(Kind.INTS)).clone(); }
    @SuppressWarnings("unchecked")
    public List<String> strings() { return (List<String>) expect(Kind.STRINGS); }

    private Object expect(Kind k) {
        if (kind != k) throw new IllegalArgumentException("attribute '" + name + "' is " + kind + ", expected " + k);
        return value;
    }

    @Override
    public String toString() {
        Object v = switch (kind) {
            case FLOATS -> Arrays.toString((float[]) value);
            case INTS -> Arrays.toString((long[]) value);
            default -> value;
        };
        return name + "=" + v;
    }
}
