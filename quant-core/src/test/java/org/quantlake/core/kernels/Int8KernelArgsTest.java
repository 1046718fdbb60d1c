package org.quantlake.core.kernels;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every int8 implementation rejects the same malformed calls before touching memory, and accepts empty ones. */
class Int8KernelArgsTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void gemmsRejectBadGeometry(Int8Kernels k) {
        byte[] a = new byte[6];
        byte[] b = new byte[6];
        int[] c = new int[4];
        for (Int8Reference.Gemm g : Int8Reference.Gemm.values()) {
            assertThrows(IllegalArgumentException.class, () -> g.run(k, -1, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2));
            // lda shorter than a row
            assertThrows(IllegalArgumentException.class, () -> g.run(k, 2, 2, 3, a, 0, 2, b, 0, 2, c, 0, 2));
            // the view runs one past the end of a, of b, of c; and a negative offset
            assertThrows(IndexOutOfBoundsException.class, () -> g.run(k, 2, 2, 3, a, 1, 3, b, 0, 2, c, 0, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> g.run(k, 2, 2, 3, a, 0, 3, b, 1, 2, c, 0, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> g.run(k, 2, 2, 3, a, 0, 3, b, 0, 2, c, 1, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> g.run(k, 2, 2, 3, a, -1, 3, b, 0, 2, c, 0, 2));
            assertThrows(NullPointerException.class, () -> g.run(k, 2, 2, 3, null, 0, 3, b, 0, 2, c, 0, 2));
            assertDoesNotThrow(() -> g.run(k, 2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2));
            assertDoesNotThrow(() -> g.run(k, 0, 2, 3, a, 99, 3, b, 0, 2, c, 99, 2));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void requantizeRejectsBadCalls(Int8Kernels k) {
        int[] acc = new int[6];
        byte[] y = new byte[6];
        int[] off = new int[3];
        float[] mu = new float[3];
        // views past the end of acc and of y; too few per-row parameters (rows = 3) and per-column ones (cols = 4)
        assertThrows(IndexOutOfBoundsException.class, () -> k.requantizeRows(acc, 1, 2, 3, off, mu, 0, 0, 255, y, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> k.requantizeCols(acc, 0, 2, 3, off, mu, 0, 0, 255, y, 1));
        assertThrows(IndexOutOfBoundsException.class,
                () -> k.requantizeRows(acc, 0, 3, 2, new int[2], mu, 0, 0, 255, y, 0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> k.requantizeCols(new int[8], 0, 2, 4, off, mu, 0, 0, 255, new byte[8], 0));
        // a clamp or zero point outside uint8, or lo > hi
        assertThrows(IllegalArgumentException.class, () -> k.requantizeRows(acc, 0, 2, 3, off, mu, 0, -1, 255, y, 0));
        assertThrows(IllegalArgumentException.class, () -> k.requantizeRows(acc, 0, 2, 3, off, mu, 0, 0, 256, y, 0));
        assertThrows(IllegalArgumentException.class, () -> k.requantizeCols(acc, 0, 2, 3, off, mu, 0, 9, 8, y, 0));
        assertThrows(IllegalArgumentException.class, () -> k.requantizeCols(acc, 0, 2, 3, off, mu, 256, 0, 255, y, 0));
        assertThrows(IllegalArgumentException.class, () -> k.requantizeCols(acc, 0, -2, 3, off, mu, 0, 0, 255, y, 0));
        assertThrows(NullPointerException.class, () -> k.requantizeRows(acc, 0, 2, 3, off, null, 0, 0, 255, y, 0));
        assertDoesNotThrow(() -> k.requantizeRows(acc, 0, 2, 3, off, mu, 0, 0, 255, y, 0));
        assertDoesNotThrow(() -> k.requantizeCols(acc, 0, 2, 3, off, mu, 255, 255, 255, y, 0));
        assertDoesNotThrow(() -> k.requantizeRows(acc, 99, 0, 3, new int[0], new float[0], 0, 0, 255, y, 99));
    }
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.quantlake.core.kernels.KernelsUnderTest#streamInt8")
    void preparedLayersRejectBadCallsBeforeTouchingMemory(Int8Kernels k) {
        Int8ConvSpec spec = new Int8ConvSpec(2, 5, 5, 3, 1, 3, 3, 1, 1, 1, 1, 1, 1, 5, 5, 10, 0, 0, 255);
        byte[] w = new byte[3 * 18];
        assertThrows(IllegalArgumentException.class, () -> k.prepareConv(spec, new byte[53], new int[3], new float[3]));
        assertThrows(IllegalArgumentException.class, () -> k.prepareConv(spec, w, new int[2], new float[3]));
        assertThrows(NullPointerException.class, () -> k.prepareConv(spec, w, new int[3], null));
        Int8Conv conv = k.prepareConv(spec, w, new int[3], new float[3]);
        byte[] sb = new byte[conv.scratchBytes(2)];
        int[] si = new int[conv.scratchInts(2)];
        byte[] x = new byte[100];
        byte[] y = new byte[150];
        assertThrows(IndexOutOfBoundsException.class, () -> conv.run(x, 1, 2, y, 0, sb, si));
        assertThrows(IndexOutOfBoundsException.class, () -> conv.run(x, 0, 2, y, 1, sb, si));
        assertThrows(IndexOutOfBoundsException.class, () -> conv.run(x, -1, 1, y, 0, sb, si));
        assertThrows(IllegalArgumentException.class, () -> conv.run(x, 0, -1, y, 0, sb, si));
        if (sb.length > 0) {
            assertThrows(IllegalArgumentException.class,
                    () -> conv.run(x, 0, 2, y, 0, new byte[sb.length - 1], si));
        }
        if (si.length > 0) {
            assertThrows(IllegalArgumentException.class, () -> conv.run(x, 0, 2, y, 0, sb, new int[si.length - 1]));
        }
        assertDoesNotThrow(() -> conv.run(x, 0, 2, y, 0, sb, si));
        assertDoesNotThrow(() -> conv.run(x, 0, 0, y, 0, sb, si));

        Int8LinearSpec ls = new Int8LinearSpec(4, 3, 0, 0, 0, 255);
        assertThrows(IllegalArgumentException.class, () -> k.prepareLinear(ls, new byte[11], new int[3], new float[3]));
        Int8Linear lin = k.prepareLinear(ls, new byte[12], new int[3], new float[3]);
        byte[] lsb = new byte[lin.scratchBytes(2)];
        int[] lsi = new int[lin.scratchInts(2)];
        assertThrows(IndexOutOfBoundsException.class, () -> lin.run(2, new byte[7], 0, new byte[6], 0, lsb, lsi));
        assertThrows(IndexOutOfBoundsException.class, () -> lin.run(2, new byte[8], 0, new byte[5], 0, lsb, lsi));
        assertDoesNotThrow(() -> lin.run(2, new byte[8], 0, new byte[6], 0, lsb, lsi));
    }

    @org.junit.jupiter.api.Test
    void specsRejectImpossibleLayers() {
        assertThrows(IllegalArgumentException.class,
                () -> new Int8ConvSpec(3, 5, 5, 4, 2, 3, 3, 1, 1, 1, 1, 1, 1, 5, 5, 0, 0, 0, 255)); // 3 % 2
        assertThrows(IllegalArgumentException.class,
                () -> new Int8ConvSpec(2, 5, 5, 4, 1, 3, 3, 0, 1, 1, 1, 1, 1, 5, 5, 0, 0, 0, 255)); // stride 0
        assertThrows(IllegalArgumentException.class,
                () -> new Int8ConvSpec(2, 5, 5, 4, 1, 3, 3, 1, 1, 1, 1, 1, 1, 5, 5, 256, 0, 0, 255)); // zero point
        assertThrows(IllegalArgumentException.class,
                () -> new Int8ConvSpec(2, 5, 5, 4, 1, 3, 3, 1, 1, 1, 1, 1, 1, 5, 5, 0, 0, 9, 8)); // lo > hi
        assertThrows(IllegalArgumentException.class,
                () -> new Int8ConvSpec(65536, 256, 256, 4, 1, 3, 3, 1, 1, 1, 1, 1, 1, 256, 256, 0, 0, 0, 255));
        assertThrows(IllegalArgumentException.class, () -> new Int8LinearSpec(0, 3, 0, 0, 0, 255));
        assertThrows(IllegalArgumentException.class, () -> new Int8LinearSpec(3, 3, 0, 0, 5, 4));
    }
}
