/*
 * The ymm tile bodies shared by the AVX-VNNI and AVX2 levels: 3 rows x 32 columns (4 accumulators per row: the
 * pack/unpack lane-order group of ql_int8.h). Only 16 ymm registers exist and VEX has no broadcast memory
 * operand, so 3 rows leave room for the broadcasts and one B vector.
 *
 * The including file defines QL_T (its target attribute) and DOT(acc, u, s), the level's exact step: acc plus
 * the lane-wise dot product of u (the unsigned operand) and s (the signed one).
 */
#ifndef QL_YMM_TILES_H
#define QL_YMM_TILES_H

#include <immintrin.h>
#include <string.h>
#include "ql_int8.h"
#include "ql_requant.h"

#define MR 3
#define NR 32

static inline int32_t load32(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* The rule on 8 lanes. int-to-float and the product round as MXCSR says (round to nearest, which the JVM keeps
 * for native code); the rounding that is the rule itself (half to even) is explicit. */
QL_T static inline __m256i rq8(__m256i acc, __m256i off, __m256 mult, __m256 lo, __m256 hi, __m256i zp) {
    __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(acc, off)), mult);
    v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
    v = _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    return _mm256_add_epi32(_mm256_cvttps_epi32(v), zp);
}

QL_T static inline __m256i narrow32(__m256i i0, __m256i i1, __m256i i2, __m256i i3) {
    return _mm256_packus_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
}

/* One tile row of int32 in column order: lanes {q0, q1} hold columns 0-7 and 16-23, {q2, q3} 8-15 and 24-31. */
QL_T static inline void store_i32(int32_t *c, int cols, __m256i q0, __m256i q1, __m256i q2, __m256i q3) {
    __m256i o[4] = {_mm256_permute2x128_si256(q0, q1, 0x20), _mm256_permute2x128_si256(q2, q3, 0x20),
                    _mm256_permute2x128_si256(q0, q1, 0x31), _mm256_permute2x128_si256(q2, q3, 0x31)};
    if (cols == NR) {
        for (int u = 0; u < 4; u++) {
            _mm256_storeu_si256((__m256i *) (c + 8 * u), o[u]);
        }
        return;
    }
    int32_t tmp[NR];
    for (int u = 0; u < 4; u++) {
        _mm256_storeu_si256((__m256i *) (tmp + 8 * u), o[u]);
    }
    memcpy(c, tmp, sizeof(int32_t) * (size_t) cols);
}

#define ROWS1(X) X(0)
#define ROWS2(X) X(0) X(1)
#define ROWS3(X) X(0) X(1) X(2)

#define LDB(v) _mm256_loadu_si256((const __m256i *) (b + 32 * (v)))
#define DECL(r) __m256i c##r##0 = _mm256_setzero_si256(), c##r##1 = c##r##0, c##r##2 = c##r##0, c##r##3 = c##r##0;
#define BCAST(r) __m256i w##r = _mm256_set1_epi32(load32(a + 4 * (r)));
/* Conv: B (activations) in a register, weights broadcast; one B vector live at a time. */
#define S8U8_V(r, v) c##r##v = DOT(c##r##v, bv, w##r);
/* Gemm: activations broadcast, weights straight from memory. */
#define U8S8_V(r, v) c##r##v = DOT(c##r##v, w##r, LDB(v));
#define S8U8_COL0(r) S8U8_V(r, 0)
#define S8U8_COL1(r) S8U8_V(r, 1)
#define S8U8_COL2(r) S8U8_V(r, 2)
#define S8U8_COL3(r) S8U8_V(r, 3)
#define U8S8_ROW(r) U8S8_V(r, 0) U8S8_V(r, 1) U8S8_V(r, 2) U8S8_V(r, 3)
#define SAVE(r) acc[4 * (r)] = c##r##0; acc[4 * (r) + 1] = c##r##1; acc[4 * (r) + 2] = c##r##2; acc[4 * (r) + 3] = c##r##3;

/* K loops out of line, accumulators handed over through memory (why: see LOOPS in ql_avx512vnni.c). */
#define LOOPS(N, ROWS) \
QL_T __attribute__((noinline)) static void s8u8_loop_##N(int kg, const uint8_t *a, const uint8_t *b, __m256i *acc) { \
    ROWS(DECL) \
    for (int q = 0; q < kg; q++, a += 4 * MR, b += 4 * NR) { ROWS(BCAST) \
        { __m256i bv = LDB(0); ROWS(S8U8_COL0) } { __m256i bv = LDB(1); ROWS(S8U8_COL1) } \
        { __m256i bv = LDB(2); ROWS(S8U8_COL2) } { __m256i bv = LDB(3); ROWS(S8U8_COL3) } } \
    ROWS(SAVE) } \
QL_T __attribute__((noinline)) static void u8s8_loop_##N(int kg, const uint8_t *a, const uint8_t *b, __m256i *acc) { \
    ROWS(DECL) \
    for (int q = 0; q < kg; q++, a += 4 * MR, b += 4 * NR) { ROWS(BCAST) ROWS(U8S8_ROW) } \
    ROWS(SAVE) }

LOOPS(1, ROWS1)
LOOPS(2, ROWS2)
LOOPS(3, ROWS3)

#define SWITCH_ROWS(PREFIX, ...) switch (rows) { \
    case 1: PREFIX##1(__VA_ARGS__); break; case 2: PREFIX##2(__VA_ARGS__); break; \
    default: PREFIX##3(__VA_ARGS__); break; }

#define RQ_CONSTS __m256 lo = _mm256_set1_ps((float) (rq->lo - rq->zp)), hi = _mm256_set1_ps((float) (rq->hi - rq->zp)); \
    __m256i zp = _mm256_set1_epi32(rq->zp);

QL_T static void tile_s8u8_rq(int kg, const uint8_t *a, const uint8_t *b, int rows, const int32_t *off,
                              const float *mult, const ql_rq *rq, uint8_t *dst, size_t ldd) {
    __m256i acc[4 * MR];
    SWITCH_ROWS(s8u8_loop_, kg, a, b, acc)
    RQ_CONSTS
    for (int r = 0; r < rows; r++) {
        __m256i o = _mm256_set1_epi32(off[r]);
        __m256 m = _mm256_set1_ps(mult[r]);
        const __m256i *c = acc + 4 * r;
        _mm256_storeu_si256((__m256i *) (dst + (size_t) r * ldd),
                            narrow32(rq8(c[0], o, m, lo, hi, zp), rq8(c[1], o, m, lo, hi, zp),
                                     rq8(c[2], o, m, lo, hi, zp), rq8(c[3], o, m, lo, hi, zp)));
    }
}

QL_T static void tile_s8u8_i32(int kg, const uint8_t *a, const uint8_t *b, int rows, int32_t *c, size_t ldc,
                               int cols) {
    __m256i acc[4 * MR];
    SWITCH_ROWS(s8u8_loop_, kg, a, b, acc)
    for (int r = 0; r < rows; r++) {
        store_i32(c + (size_t) r * ldc, cols, acc[4 * r], acc[4 * r + 1], acc[4 * r + 2], acc[4 * r + 3]);
    }
}

QL_T static void tile_u8s8_rq(int kg, const uint8_t *a, const uint8_t *b, int rows, const int32_t *off,
                              const float *mult, const ql_rq *rq, uint8_t *dst, size_t ldd) {
    __m256i acc[4 * MR];
    SWITCH_ROWS(u8s8_loop_, kg, a, b, acc)
    RQ_CONSTS
    __m256i o0 = _mm256_loadu_si256((const __m256i *) off), o1 = _mm256_loadu_si256((const __m256i *) (off + 8));
    __m256i o2 = _mm256_loadu_si256((const __m256i *) (off + 16));
    __m256i o3 = _mm256_loadu_si256((const __m256i *) (off + 24));
    __m256 m0 = _mm256_loadu_ps(mult), m1 = _mm256_loadu_ps(mult + 8), m2 = _mm256_loadu_ps(mult + 16);
    __m256 m3 = _mm256_loadu_ps(mult + 24);
    for (int r = 0; r < rows; r++) {
        const __m256i *c = acc + 4 * r;
        _mm256_storeu_si256((__m256i *) (dst + (size_t) r * ldd),
                            narrow32(rq8(c[0], o0, m0, lo, hi, zp), rq8(c[1], o1, m1, lo, hi, zp),
                                     rq8(c[2], o2, m2, lo, hi, zp), rq8(c[3], o3, m3, lo, hi, zp)));
    }
}

QL_T static void tile_u8s8_i32(int kg, const uint8_t *a, const uint8_t *b, int rows, int32_t *c, size_t ldc,
                               int cols) {
    __m256i acc[4 * MR];
    SWITCH_ROWS(u8s8_loop_, kg, a, b, acc)
    for (int r = 0; r < rows; r++) {
        store_i32(c + (size_t) r * ldc, cols, acc[4 * r], acc[4 * r + 1], acc[4 * r + 2], acc[4 * r + 3]);
    }
}

/* 8 requantized lanes narrowed to 8 bytes (low half of the pack result). */
QL_T static inline void store8(uint8_t *y, __m256i v) {
    __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storel_epi64((__m128i *) y, _mm_packus_epi16(w, w));
}

QL_T static void requant_row(const int32_t *acc, int n, int32_t off, float mult, const ql_rq *rq, uint8_t *y) {
    RQ_CONSTS
    __m256i o = _mm256_set1_epi32(off);
    __m256 m = _mm256_set1_ps(mult);
    int j = 0;
    for (; j + 8 <= n; j += 8) {
        store8(y + j, rq8(_mm256_loadu_si256((const __m256i *) (acc + j)), o, m, lo, hi, zp));
    }
    for (; j < n; j++) {
        y[j] = ql_requant1(ql_wrap_add(acc[j], off), mult, rq);
    }
}

QL_T static void requant_cols(const int32_t *acc, int n, const int32_t *off, const float *mult, const ql_rq *rq,
                              uint8_t *y) {
    RQ_CONSTS
    int j = 0;
    for (; j + 8 <= n; j += 8) {
        store8(y + j, rq8(_mm256_loadu_si256((const __m256i *) (acc + j)),
                          _mm256_loadu_si256((const __m256i *) (off + j)), _mm256_loadu_ps(mult + j), lo, hi, zp));
    }
    for (; j < n; j++) {
        y[j] = ql_requant1(ql_wrap_add(acc[j], off[j]), mult[j], rq);
    }
}

#endif
