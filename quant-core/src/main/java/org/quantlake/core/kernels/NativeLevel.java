package org.quantlake.core.kernels;

import java.util.Locale;

/**
 * The native kernels' dispatch levels, best first. One library holds all of them (per-function target attributes);
 * which ones run is read from the CPU once. AMX-INT8 is not a level: no AMX kernel exists, because none could be
 * tested on the machines this was built on (Zen 5: AVX-512 VNNI and AVX-VNNI, no AMX).
 */
public enum NativeLevel {
    /** EVEX vpdpbusd on zmm: 6 x 64 tiles. */
    AVX512_VNNI(0, "avx512vnni"),
    /** VEX vpdpbusd on ymm (AVX-VNNI): 3 x 32 tiles. */
    AVX_VNNI(1, "avxvnni"),
    /** No dot-product instruction: operands widened to int16, vpmaddwd (exact), 3 x 32 tiles. */
    AVX2(2, "avx2");

    /** The level's number in the native library (ql_int8.h). */
    final int code;
    private final String id;

    NativeLevel(int code, String id) {
        this.code = code;
        this.id = id;
    }

    /** The name used in settings and logs. */
    public String id() {
        return id;
    }

    /** The level named {@code id} (case-insensitive). */
    static NativeLevel parse(String id) {
        String s = id.trim().toLowerCase(Locale.ROOT);
        for (NativeLevel l : values()) {
            if (l.id.equals(s)) {
                return l;
            }
        }
        throw new IllegalArgumentException(KernelProvider.LEVEL_PROPERTY + " must be one of auto, avx512vnni, "
                + "avxvnni, avx2; got '" + id + "'");
    }
}
