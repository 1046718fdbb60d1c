package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every implementation rejects the same malformed calls before touching memory, and accepts empty ones. */
class KernelArgsTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#stream")
    void gemmRejectsBadGeometry(FloatKernels k) {
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = new float[4];
        assertThrows(IllegalArgumentException.class, () -> k.gemm(-1, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false));
        // lda shorter than a row
        assertThrows(IllegalArgumentException.class, () -> k.gemm(2, 2, 3, a, 0, 2, b, 0, 2, c, 0, 2, false));
        // the view runs one past the end of a, of b, of c; and a negative offset
        assertThrows(IndexOutOfBoundsException.class, () -> k.gemm(2, 2, 3, a, 1, 3, b, 0, 2, c, 0, 2, false));
        assertThrows(IndexOutOfBoundsException.class, () -> k.gemm(2, 2, 3, a, 0, 3, b, 1, 2, c, 0, 2, false));
        assertThrows(IndexOutOfBoundsException.class, () -> k.gemm(2, 2, 3, a, 0, 3, b, 0, 2, c, 1, 2, false));
        assertThrows(IndexOutOfBoundsException.class, () -> k.gemm(2, 2, 3, a, -1, 3, b, 0, 2, c, 0, 2, false));
        assertThrows(NullPointerException.class, () -> k.gemm(2, 2, 3, null, 0, 3, b, 0, 2, c, 0, 2, false));
        assertDoesNotThrow(() -> k.gemm(2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false));
        assertDoesNotThrow(() -> k.gemm(0, 2, 3, a, 99, 3, b, 0, 2, c, 99, 2, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#stream")
    void dotRejectsOutOfRangeViews(FloatKernels k) {
        float[] x = new float[5];
        assertThrows(IndexOutOfBoundsException.class, () -> k.dot(x, 1, x, 0, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> k.dot(x, 0, x, -1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> k.dot(x, 0, x, 0, -1));
        assertDoesNotThrow(() -> k.dot(x, 5, x, 5, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#stream")
    void biasClampRejectsBadCalls(FloatKernels k) {
        float[] x = new float[6];
        assertThrows(IndexOutOfBoundsException.class, () -> k.biasClamp(x, 1, 2, 3, null, 0f, 1f));
        assertThrows(IndexOutOfBoundsException.class, () -> k.biasClamp(x, 0, 2, 3, new float[1], 0f, 1f));
        assertThrows(IllegalArgumentException.class, () -> k.biasClamp(x, 0, 2, 3, null, 1f, 0f));
        assertThrows(IllegalArgumentException.class, () -> k.biasClamp(x, 0, 2, 3, null, Float.NaN, 1f));
        assertThrows(IllegalArgumentException.class, () -> k.biasClamp(x, 0, -2, 3, null, 0f, 1f));
        assertDoesNotThrow(() -> k.biasClamp(x, 0, 2, 3, new float[2], 0f, 1f));
    }
}
