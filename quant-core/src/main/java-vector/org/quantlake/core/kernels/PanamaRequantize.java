package org.quantlake.core.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.quantlake.core.quant.Requantizer;

/**
 * {@link Requantizer#requantize} on vectors, performing the same float32 operations in the same order, so every
 * lane equals the scalar rule bit for bit: {@code v = (float) (acc + offset) * mult}, clamp to
 * {@code [lo - zp, hi - zp]}, round half to even, add zp, narrow to a byte. Tails use the scalar rule.
 *
 * <p>Rounding and conversion in one step: JDK 17's Vector API has no rint, and C2 does not compile its float-to-int
 * conversion (it falls back to plain Java). So {@code v + 1.5 * 2^23} is computed instead: for {@code |v| <= 2^22}
 * the sum lies in [2^23, 2^24), where floats are exactly the integers, so the addition itself rounds v half to even
 * (IEEE default rounding, as {@code Math.rint}), and the sum's bits minus the bits of 1.5 * 2^23 are that integer.
 * The uint8 argument checks keep the clamped v within +-255.
 *
 * <p>Only a non-finite multiplier can make v NaN (NaN, or infinity times 0); such rows or calls take the scalar
 * rule, which maps NaN to the zero point.
 */
final class PanamaRequantize {

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = I.length();
    /** Bytes narrowed from one int vector. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    /** 1.5 * 2^23: adding it leaves only the integer part of any |v| <= 2^22, rounded half to even. */
    static final float ROUNDER = 12582912f;
    static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

    private PanamaRequantize() {
    }

    /** Same contract as {@link Int8Kernels#requantizeRows}, arguments already checked. */
    static void rows(int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult, int zp, int lo, int hi,
                     byte[] y, int yOff) {
        FloatVector vlo = FloatVector.broadcast(F, (float) (lo - zp));
        FloatVector vhi = FloatVector.broadcast(F, (float) (hi - zp));
        IntVector unbias = IntVector.broadcast(I, zp - ROUNDER_BITS);
        for (int r = 0; r < rows; r++) {
            int off = offset[r];
            float mu = mult[r];
            int a = accOff + r * cols;
            int o = yOff + r * cols;
            int j = 0;
            if (Float.isFinite(mu)) {
                IntVector voff = IntVector.broadcast(I, off);
                FloatVector vmu = FloatVector.broadcast(F, mu);
                for (int vcols = I.loopBound(cols); j < vcols; j += L) {
                    IntVector x = IntVector.fromArray(I, acc, a + j).add(voff);
                    FloatVector v = ((FloatVector) x.convert(VectorOperators.I2F, 0)).mul(vmu).max(vlo).min(vhi);
                    IntVector q = v.add(ROUNDER).reinterpretAsInts().add(unbias);
                    ((ByteVector) q.convertShape(VectorOperators.I2B, B, 0)).intoArray(y, o + j);
                }
            }
            for (; j < cols; j++) {
                y[o + j] = (byte) Requantizer.requantize(acc[a + j] + off, mu, zp, lo, hi);
            }
        }
    }

    /** Same contract as {@link Int8Kernels#requantizeCols}, arguments already checked. */
    static void cols(int[] acc, int accOff, int rows, int cols, int[] offset, float[] mult, int zp, int lo, int hi,
                     byte[] y, int yOff) {
        FloatVector vlo = FloatVector.broadcast(F, (float) (lo - zp));
        FloatVector vhi = FloatVector.broadcast(F, (float) (hi - zp));
        IntVector unbias = IntVector.broadcast(I, zp - ROUNDER_BITS);
        int vcols = allFinite(mult, cols) ? I.loopBound(cols) : 0;
        for (int r = 0; r < rows; r++) {
            int a = accOff + r * cols;
            int o = yOff + r * cols;
            for (int j = 0; j < vcols; j += L) {
                IntVector x = IntVector.fromArray(I, acc, a + j).add(IntVector.fromArray(I, offset, j));
                FloatVector v = ((FloatVector) x.convert(VectorOperators.I2F, 0))
                        .mul(FloatVector.fromArray(F, mult, j)).max(vlo).min(vhi);
                IntVector q = v.add(ROUNDER).reinterpretAsInts().add(unbias);
                ((ByteVector) q.convertShape(VectorOperators.I2B, B, 0)).intoArray(y, o + j);
            }
            for (int j = vcols; j < cols; j++) {
                y[o + j] = (byte) Requantizer.requantize(acc[a + j] + offset[j], mult[j], zp, lo, hi);
            }
        }
    }

    private static boolean allFinite(float[] x, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(x[i])) {
                return false;
            }
        }
        return true;
    }
}
