package org.quantlake.core.observe;

import java.math.BigInteger;

/**
 * An exact sum of float32 values: a 320-bit two's-complement fixed-point number in units of 2^-149 (the
 * smallest float32 subnormal), so every float32 is an integer in these units and every addition is exact.
 * Integer addition is associative and commutative, so the sum is bit-identical for any order and any grouping,
 * which a float or double running sum is not. (A Kulisch accumulator, sized for float32.)
 *
 * <p>Capacity: a float32 is below 2^128, i.e. below 2^277 units; 320 bits leave 42 bits of headroom, enough
 * for 2^42 maximal addends before overflow. Size is fixed (five longs), never growing with the data.
 */
public final class ExactSum {
    static final int LIMBS = 5;
    /** Little-endian limbs: limbs[0] holds bits 0..63. */
    private final long[] limbs = new long[LIMBS];

    public ExactSum() {}

    /** Adds a finite float32 exactly. Non-finite values are rejected: they have no exact sum. */
    public void add(float v) {
        if (!Float.isFinite(v)) throw new IllegalArgumentException("ExactSum takes finite values only, got " + v);
        int bits = Float.floatToRawIntBits(v);
        int exp = (bits >>> 23) & 0xFF;
        long mant = bits & 0x7FFFFF;
        if (exp != 0) mant |= 0x800000;
        if (mant == 0) return;
        // value = mant * 2^(max(exp,1) - 150) = mant * 2^shift units of 2^-149
        int shift = Math.max(exp, 1) - 1;
        addShifted(mant, shift, bits < 0);
    }

    /** Adds another exact sum (merging partial sums). */
    public void add(ExactSum o) {
        long carry = 0;
        for (int i = 0; i < LIMBS; i++) {
            long a = limbs[i];
            long b = o.limbs[i];
            long s = a + b;
            long c1 = Long.compareUnsigned(s, a) < 0 ? 1 : 0;
            long s2 = s + carry;
            long c2 = Long.compareUnsigned(s2, s) < 0 ? 1 : 0;
            limbs[i] = s2;
            carry = c1 + c2;
        }
    }

    /** Adds (or subtracts) mant * 2^shift units, propagating the carry (borrow) only as far as needed. */
    private void addShifted(long mant, int shift, boolean negative) {
        int limb = shift >>> 6;
        int bit = shift & 63;
        long lo = mant << bit;
        long hi = bit == 0 ? 0 : mant >>> (64 - bit);
        long carry = 0;
        for (int i = limb; i < LIMBS; i++) {
            long t = i == limb ? lo : (i == limb + 1 ? hi : 0);
            if (t == 0 && carry == 0 && i > limb) break;
            long a = limbs[i];
            if (negative) {
                long d = a - t;
                long b1 = Long.compareUnsigned(a, t) < 0 ? 1 : 0;
                long d2 = d - carry;
                long b2 = Long.compareUnsigned(d, carry) < 0 ? 1 : 0;
                limbs[i] = d2;
                carry = b1 + b2;
            } else {
                long s = a + t;
                long c1 = Long.compareUnsigned(s, a) < 0 ? 1 : 0;
                long s2 = s + carry;
                long c2 = Long.compareUnsigned(s2, s) < 0 ? 1 : 0;
                limbs[i] = s2;
                carry = c1 + c2;
            }
        }
    }

    /** The exact sum as a BigInteger count of 2^-149 units. */
    public BigInteger units() {
        byte[] be = new byte[LIMBS * 8];
        for (int i = 0; i < LIMBS; i++) {
            long v = limbs[LIMBS - 1 - i];
            for (int b = 0; b < 8; b++) be[i * 8 + b] = (byte) (v >>> (56 - 8 * b));
        }
        return new BigInteger(be);
    }

    /** The sum rounded once to the nearest double (ties to even). */
    public double toDouble() {
        // BigInteger.doubleValue rounds correctly; the power-of-two scaling is exact in double's range.
        return Math.scalb(units().doubleValue(), -149);
    }

    /** The exact sum divided by {@code n}, rounded to float32 through double (deterministic for equal states). */
    public float mean(long n) {
        if (n <= 0) throw new IllegalArgumentException("mean of " + n + " values");
        return (float) (toDouble() / n);
    }

    public boolean isZero() {
        for (long l : limbs) if (l != 0) return false;
        return true;
    }

    long limb(int i) { return limbs[i]; }

    void setLimb(int i, long v) { limbs[i] = v; }

    public ExactSum copy() {
        ExactSum s = new ExactSum();
        System.arraycopy(limbs, 0, s.limbs, 0, LIMBS);
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExactSum s && java.util.Arrays.equals(limbs, s.limbs);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(limbs);
    }

    @Override
    public String toString() {
        return Double.toString(toDouble());
    }
}
