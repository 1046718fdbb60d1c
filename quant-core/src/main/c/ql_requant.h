/*
 * The requantization rule in scalar C, operation for operation as Requantizer.requantize in Java:
 *   v = (float) acc * mult;  v = Math.max(v, lo - zp);  v = Math.min(v, hi - zp);  y = (int) Math.rint(v) + zp
 * Used for vector tails and for layers whose multiplier is not finite (NaN, or infinity times 0), where Java's
 * NaN semantics matter: Math.max/min propagate NaN and (int) NaN is 0, so such values become zp.
 */
#ifndef QL_REQUANT_H
#define QL_REQUANT_H

#include <math.h>
#include <stdint.h>
#include "ql_int8.h"

/* acc + offset with Java's wrapping int addition (signed overflow is undefined in C, unsigned is not). */
static inline int32_t ql_wrap_add(int32_t a, int32_t b) {
    return (int32_t) ((uint32_t) a + (uint32_t) b);
}

static inline uint8_t ql_requant1(int32_t acc, float mult, const ql_rq *rq) {
    /* int-to-float and the product round to nearest (the default mode, which the JVM keeps for native code). */
    float v = (float) acc * mult;
    if (v != v) {
        return (uint8_t) rq->zp;
    }
    float lo = (float) (rq->lo - rq->zp), hi = (float) (rq->hi - rq->zp);
    if (v < lo) {
        v = lo;
    }
    if (v > hi) {
        v = hi;
    }
    /* rintf rounds half to even in the default mode; |v| <= 255 so the conversion is exact. */
    return (uint8_t) ((int) rintf(v) + rq->zp);
}

static inline int ql_all_finite(const float *x, int n) {
    for (int i = 0; i < n; i++) {
        if (!isfinite(x[i])) {
            return 0;
        }
    }
    return 1;
}

#endif
