package org.quantlake.core.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Int8Kernels#quantize} on vectors, the same float32 operations as the scalar definition, so every lane equals
 * it bit for bit: {@code r = x / scale} (an IEEE division, as the scalar one), clamped to the integers
 * {@code [qmin - zp, qmax - zp]} (clamping before rounding gives the same integer: rint is monotone and the bounds are
 * integers), rounded half to even by adding 1.5 * 2^23 ({@link PanamaRequantize#ROUNDER}; exact for the clamped
 * |r| <= 255), plus zp. NaN lanes give zp, as the scalar rule's {@code (int) NaN == 0}. Tails use the scalar rule.
 */
final class PanamaQuantize {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Bytes narrowed from one int vector. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));

    private PanamaQuantize() {
    }

    /** Same contract as {@link Int8Kernels#quantize}, arguments already checked. */
    static void quantize(int n, float[] x, int xOff, float scale, int zp, boolean signed, byte[] y, int yOff) {
        int qmin = signed ? -128 : 0;
        FloatVector lo = FloatVector.broadcast(F, (float) (qmin - zp));
        FloatVector hi = FloatVector.broadcast(F, (float) (qmin + 255 - zp));
        FloatVector vscale = FloatVector.broadcast(F, scale);
        FloatVector zero = FloatVector.zero(F);
        IntVector unbias = IntVector.broadcast(I, zp - PanamaRequantize.ROUNDER_BITS);
        int i = 0;
        for (int vn = F.loopBound(n); i < vn; i += L) {
            FloatVector r = FloatVector.fromArray(F, x, xOff + i).div(vscale);
            VectorMask<Float> nan = r.compare(VectorOperators.NE, r);
            FloatVector v = r.max(lo).min(hi).blend(zero, nan);
            IntVector q = v.add(PanamaRequantize.ROUNDER).reinterpretAsInts().add(unbias);
            ((ByteVector) q.convertShape(VectorOperators.I2B, B, 0)).intoArray(y, yOff + i);
        }
        DefaultInt8Kernels.quantizeScalar(i, n, x, xOff, scale, zp, signed, y, yOff);
    }
}
