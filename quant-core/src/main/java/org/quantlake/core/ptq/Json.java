package org.quantlake.core.ptq;

import java.util.List;
import java.util.Locale;

/** Minimal JSON writing helpers (quant-core has no JSON dependency; it only ever writes). */
public final class Json {
    private Json() {}

    public static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    public static String strs(List<String> v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.size(); i++) sb.append(i == 0 ? "" : ", ").append(str(v.get(i)));
        return sb.append(']').toString();
    }

    /** A float as JSON: the shortest repr that round-trips; NaN/Inf (not JSON) as null. */
    public static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "null";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    public static String num(float v) {
        if (Float.isNaN(v) || Float.isInfinite(v)) return "null";
        return Float.toString(v);
    }
}
