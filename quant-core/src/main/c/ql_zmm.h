/*
 * What the AVX512-VNNI level's files share: the target attribute, the requantization rule on 16 lanes and the
 * narrowing of four such vectors to 64 bytes.
 */
#ifndef QL_ZMM_H
#define QL_ZMM_H

#include <immintrin.h>
#include <string.h>
#include "ql_int8.h"

#define QL_T __attribute__((target("avx2,avx512f,avx512bw,avx512vl,avx512vnni")))
#define RN (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)

static inline int32_t load32(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* The rule on 16 lanes, with rounding modes given explicitly rather than taken from MXCSR. */
QL_T static inline __m512i rq16(__m512i acc, __m512i off, __m512 mult, __m512 lo, __m512 hi, __m512i zp) {
    __m512 v = _mm512_cvt_roundepi32_ps(_mm512_add_epi32(acc, off), RN);
    v = _mm512_mul_round_ps(v, mult, RN);
    v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
    return _mm512_add_epi32(_mm512_cvt_roundps_epi32(v, RN), zp);
}

/* Narrows one tile row (4 vectors in panel lane order) to 64 bytes in column order; the values are in [0, 255]
 * already, so both saturating packs are exact. */
QL_T static inline __m512i narrow64(__m512i i0, __m512i i1, __m512i i2, __m512i i3) {
    return _mm512_packus_epi16(_mm512_packs_epi32(i0, i1), _mm512_packs_epi32(i2, i3));
}

#endif
