package org.quantlake.core.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Int8Kernels#addU8} on vectors with the same float32 operations in the same order as the scalar definition
 * (exact int-to-float conversions, a rounded multiply per input, a rounded add, a rounded divide, the clamp), so
 * every lane equals it bit for bit. Rounding as in {@link PanamaRequantize}: adding 1.5 * 2^23 rounds a clamped
 * |v| <= 255 half to even, and the sum's bits minus that constant's are the integer.
 */
final class PanamaQAdd {

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = I.length();
    /** The bytes of one int vector. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    private static final float ROUNDER = PanamaRequantize.ROUNDER;
    private static final int ROUNDER_BITS = PanamaRequantize.ROUNDER_BITS;

    private PanamaQAdd() {
    }

    /**
     * Computes the first whole vectors' worth of elements and returns how many (the caller finishes with the scalar
     * definition); 0 when a scale is not finite or yScale is 0, where NaN could arise and the scalar rule applies.
     */
    static int add(int n, byte[] a, int aOff, float aScale, int aZp, byte[] b, int bOff, float bScale, int bZp,
                   float yScale, int yZp, int lo, int hi, byte[] y, int yOff) {
        if (!Float.isFinite(aScale) || !Float.isFinite(bScale) || !Float.isFinite(yScale) || yScale == 0f) {
            return 0;
        }
        FloatVector sa = FloatVector.broadcast(F, aScale);
        FloatVector sb = FloatVector.broadcast(F, bScale);
        FloatVector sy = FloatVector.broadcast(F, yScale);
        FloatVector vlo = FloatVector.broadcast(F, (float) (lo - yZp));
        FloatVector vhi = FloatVector.broadcast(F, (float) (hi - yZp));
        IntVector za = IntVector.broadcast(I, aZp);
        IntVector zb = IntVector.broadcast(I, bZp);
        IntVector unbias = IntVector.broadcast(I, yZp - ROUNDER_BITS);
        int end = I.loopBound(n);
        for (int i = 0; i < end; i += L) {
            IntVector ia = ((IntVector) ByteVector.fromArray(B, a, aOff + i).convertShape(VectorOperators.B2I, I, 0))
                    .and(0xFF).sub(za);
            IntVector ib = ((IntVector) ByteVector.fromArray(B, b, bOff + i).convertShape(VectorOperators.B2I, I, 0))
                    .and(0xFF).sub(zb);
            FloatVector fa = ((FloatVector) ia.convert(VectorOperators.I2F, 0)).mul(sa);
            FloatVector fb = ((FloatVector) ib.convert(VectorOperators.I2F, 0)).mul(sb);
            FloatVector v = fa.add(fb).div(sy).max(vlo).min(vhi);
            IntVector q = v.add(ROUNDER).reinterpretAsInts().add(unbias);
            ((ByteVector) q.convertShape(VectorOperators.I2B, B, 0)).intoArray(y, yOff + i);
        }
        return end;
    }
}
