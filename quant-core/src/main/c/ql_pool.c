/*
 * uint8 max pooling, separably: per output row, the max over the window's input rows (skipping rows in the
 * padding), placed in a zero-padded row, then the max over each window's columns. The padding is 0, the smallest
 * uint8, so it never wins and a window entirely in the padding gives 0: the definition Int8MaxPoolPlane (Java)
 * implements, byte for byte. Plain C (any x86-64): gcc -O3 vectorises the row passes; it is memory-bound.
 */
#include <string.h>
#include "ql_int8.h"

static inline uint8_t max8(uint8_t a, uint8_t b) {
    return a > b ? a : b;
}

/* out[o] = max over j < kw of row[o * sw + j * dw]; the common geometries get constant strides. */
static void columns(uint8_t *out, const uint8_t *row, int ow, int kw, int sw, int dw) {
    if (kw == 3 && sw == 2 && dw == 1) {
        for (int o = 0; o < ow; o++) out[o] = max8(max8(row[2 * o], row[2 * o + 1]), row[2 * o + 2]);
    } else if (kw == 3 && sw == 1 && dw == 1) {
        for (int o = 0; o < ow; o++) out[o] = max8(max8(row[o], row[o + 1]), row[o + 2]);
    } else if (kw == 2 && sw == 2 && dw == 1) {
        for (int o = 0; o < ow; o++) out[o] = max8(row[2 * o], row[2 * o + 1]);
    } else {
        for (int o = 0; o < ow; o++) {
            uint8_t m = row[(long) o * sw];
            for (int j = 1; j < kw; j++) m = max8(m, row[(long) o * sw + (long) j * dw]);
            out[o] = m;
        }
    }
}

size_t ql_maxpool_u8_scratch(const int *g) {
    int iw = g[1], ow = g[3], kw = g[5], sw = g[7], dw = g[9], pl = g[11];
    long a = (long) pl + iw, b = (long) (ow - 1) * sw + (long) (kw - 1) * dw + 1;
    return (size_t) (a > b ? a : b);
}

void ql_maxpool_u8(const int *g, const uint8_t *x, long planes, uint8_t *y, uint8_t *row) {
    int ih = g[0], iw = g[1], oh = g[2], ow = g[3], kh = g[4], kw = g[5], sh = g[6], sw = g[7], dh = g[8], dw = g[9];
    int pt = g[10], pl = g[11];
    memset(row, 0, ql_maxpool_u8_scratch(g));  /* only [pl, pl + iw) is ever written again */
    uint8_t *r = row + pl;
    for (long p = 0; p < planes; p++) {
        const uint8_t *in = x + (size_t) p * (size_t) ih * (size_t) iw;
        uint8_t *out = y + (size_t) p * (size_t) oh * (size_t) ow;
        for (int o = 0; o < oh; o++) {
            int first = 1;
            for (int i = 0; i < kh; i++) {
                long yi = (long) o * sh - pt + (long) i * dh;
                if (yi < 0 || yi >= ih) continue;
                const uint8_t *src = in + (size_t) yi * (size_t) iw;
                if (first) {
                    memcpy(r, src, (size_t) iw);
                    first = 0;
                } else {
                    for (int c = 0; c < iw; c++) r[c] = max8(r[c], src[c]);
                }
            }
            if (first) memset(r, 0, (size_t) iw);
            columns(out + (size_t) o * (size_t) ow, row, ow, kw, sw, dw);
        }
    }
}

/* ---- float32 max pool: Java's Math.max per element (NaN wins, -0.0 < +0.0), with AVX2 ---- */

#include <immintrin.h>
#define QL_AVX2 __attribute__((target("avx2,fma")))

/* Math.max on 8 lanes: maxps returns its second operand for equal or unordered pairs, so those lanes are redone:
 * equal pairs give a & b (+0.0 over -0.0, else the value itself), unordered pairs a + b (a NaN). */
QL_AVX2 static inline __m256 jmax8(__m256 a, __m256 b) {
    __m256 m = _mm256_max_ps(a, b);
    m = _mm256_blendv_ps(m, _mm256_and_ps(a, b), _mm256_cmp_ps(a, b, _CMP_EQ_OQ));
    return _mm256_blendv_ps(m, _mm256_add_ps(a, b), _mm256_cmp_ps(a, b, _CMP_UNORD_Q));
}

/* The same for one value. */
static inline float jmax1(float a, float b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == b) {
        uint32_t ua, ub;
        memcpy(&ua, &a, 4);
        memcpy(&ub, &b, 4);
        ua &= ub;
        memcpy(&a, &ua, 4);
        return a;
    }
    return a > b ? a : b;
}

/* Even lanes of 16 consecutive floats, in order. */
QL_AVX2 static inline __m256 evens8(const float *p) {
    __m256 s = _mm256_shuffle_ps(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8), _MM_SHUFFLE(2, 0, 2, 0));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(s), _MM_SHUFFLE(3, 1, 2, 0)));
}

/* Lanes [0, n) of 8 (n < 8). */
QL_AVX2 static inline __m256i head_mask(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* The row is followed by at least 24 readable floats (ql_maxpool_f32_scratch), so a last short vector of outputs is
 * computed whole from the row buffer and stored with a mask: scalar tails cost more than the vectors on 13-55 wide
 * rows. */
QL_AVX2 static void columns_f32(float *out, const float *row, int ow, int kw, int sw, int dw) {
    int o = 0;
    if (kw == 3 && sw == 2 && dw == 1) {
        for (; o < ow; o += 8) {  /* reads row[2o .. 2o + 17]: the row and its slack */
            const float *r = row + 2 * o;
            __m256 m = jmax8(jmax8(evens8(r), evens8(r + 1)), evens8(r + 2));
            if (ow - o >= 8) {
                _mm256_storeu_ps(out + o, m);
            } else {
                _mm256_maskstore_ps(out + o, head_mask(ow - o), m);
            }
        }
        return;
    }
    if (sw == 1 && (long) (kw - 1) * dw <= 16) {
        for (; o < ow; o += 8) {  /* reads row[o .. o + 7 + (kw-1) dw]: the row and its slack */
            __m256 m = _mm256_loadu_ps(row + o);
            for (int j = 1; j < kw; j++) m = jmax8(m, _mm256_loadu_ps(row + o + (long) j * dw));
            if (ow - o >= 8) {
                _mm256_storeu_ps(out + o, m);
            } else {
                _mm256_maskstore_ps(out + o, head_mask(ow - o), m);
            }
        }
        return;
    }
    for (; o < ow; o++) {
        float m = row[(long) o * sw];
        for (int j = 1; j < kw; j++) m = jmax1(m, row[(long) o * sw + (long) j * dw]);
        out[o] = m;
    }
}

/* Floats of scratch ql_maxpool_f32 needs: the padded row, plus room for the vector reads past its last window. */
size_t ql_maxpool_f32_scratch(const int *g) {
    return ql_maxpool_u8_scratch(g) + 24;
}

QL_AVX2 void ql_maxpool_f32(const int *g, const float *x, long planes, float *y, float *row) {
    int ih = g[0], iw = g[1], oh = g[2], ow = g[3], kh = g[4], kw = g[5], sh = g[6], sw = g[7], dh = g[8], dw = g[9];
    int pt = g[10], pl = g[11];
    size_t n = ql_maxpool_f32_scratch(g);
    for (size_t i = 0; i < n; i++) row[i] = -__builtin_inff();  /* only [pl, pl + iw) is ever written again */
    float *r = row + pl;
    for (long p = 0; p < planes; p++) {
        const float *in = x + (size_t) p * (size_t) ih * (size_t) iw;
        float *out = y + (size_t) p * (size_t) oh * (size_t) ow;
        for (int o = 0; o < oh; o++) {
            int first = 1;
            for (int i = 0; i < kh; i++) {
                long yi = (long) o * sh - pt + (long) i * dh;
                if (yi < 0 || yi >= ih) continue;
                const float *src = in + (size_t) yi * (size_t) iw;
                if (first) {
                    memcpy(r, src, sizeof(float) * (size_t) iw);
                    first = 0;
                    continue;
                }
                int c = 0;
                for (; c + 8 <= iw; c += 8) _mm256_storeu_ps(r + c, jmax8(_mm256_loadu_ps(r + c), _mm256_loadu_ps(src + c)));
                if (c < iw) {  /* masked: the input row may end at its array's end */
                    __m256i k = head_mask(iw - c);
                    _mm256_maskstore_ps(r + c, k, jmax8(_mm256_maskload_ps(r + c, k), _mm256_maskload_ps(src + c, k)));
                }
            }
            if (first) {
                for (int c = 0; c < iw; c++) r[c] = -__builtin_inff();
            }
            columns_f32(out + (size_t) o * (size_t) ow, row, ow, kw, sw, dw);
        }
    }
}
