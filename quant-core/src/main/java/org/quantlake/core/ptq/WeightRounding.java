package org.quantlake.core.ptq;

import java.util.Locale;

/** How weights are put on their int8 grid once their scales are chosen. */
public enum WeightRounding {
    /** Each weight to its nearest grid point (round half to even), as ONNX QuantizeLinear does. */
    NEAREST,
    /**
     * GPTQ (Frantar et al., 2022): weights rounded one input column at a time, each rounding error spread over the
     * columns not yet rounded through the layer's input Hessian, so the layer's outputs on the calibration data move
     * least. Needs a second calibration pass for the Hessians ({@link org.quantlake.core.observe.InputGram}); applies to
     * Conv with group 1 and Gemm, other layers round to nearest.
     */
    GPTQ;

    public static WeightRounding parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "nearest", "rtn" -> NEAREST;
            case "gptq" -> GPTQ;
            default -> throw new IllegalArgumentException("unknown weight rounding '" + s + "' (nearest, gptq)");
        };
    }

    public String label() { return name().toLowerCase(Locale.ROOT); }
}
