/*
 * Depthwise conv of one padded plane on AVX512-VNNI, register-blocked: each block of 64 outputs keeps its four int32
 * accumulator vectors in registers across all taps and is requantized straight to bytes, where the tap-outer loops of
 * ql_dw_taps.h read and write an int32 accumulator row once per tap (and multiply with vpmulld).
 *
 * Taps go four at a time through vpdpbusd: the four taps' input runs are loaded (64 outputs each) and byte-interleaved
 * with unpacklo/hi_epi8 then _epi16, so each 32-bit lane holds one output's four tap inputs; the four weights are one
 * broadcast int32. The interleave permutes outputs within 128-bit lanes exactly as the GEMM panels do, and the
 * saturating packs of narrow64 undo it (ql_int8.h). Tap counts that are not a multiple of 4 are padded with weight-0
 * taps reading the first tap's run. Sums wrap like Java ints; the requantization is rq16, the one rule.
 *
 * Outputs are computed over "wide" rows as in ql_dw_taps.h (the padded or phase row width; extra columns dropped), into
 * a byte row buffer, then each output row is copied out.
 */
#include "ql_zmm.h"

/* Taps handled in registers at most (a 7 x 7 kernel is 49); larger kernels take the tap-outer loops. */
#define MAX_TAPS 64

/* 64 outputs from the 4-tap groups; src[t] + t0 is tap t's run for this block. */
QL_T static inline __m512i block64(int groups, const uint8_t *const *src, const int32_t *wq, size_t t0,
                                   __m512i off, __m512 mult, __m512 lo, __m512 hi, __m512i zp) {
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
    for (int g = 0; g < groups; g++) {
        const uint8_t *const *s = src + 4 * g;
        __m512i x0 = _mm512_loadu_si512(s[0] + t0), x1 = _mm512_loadu_si512(s[1] + t0);
        __m512i x2 = _mm512_loadu_si512(s[2] + t0), x3 = _mm512_loadu_si512(s[3] + t0);
        __m512i ab0 = _mm512_unpacklo_epi8(x0, x1), ab1 = _mm512_unpackhi_epi8(x0, x1);
        __m512i cd0 = _mm512_unpacklo_epi8(x2, x3), cd1 = _mm512_unpackhi_epi8(x2, x3);
        __m512i w = _mm512_set1_epi32(wq[g]);
        a0 = _mm512_dpbusd_epi32(a0, _mm512_unpacklo_epi16(ab0, cd0), w);
        a1 = _mm512_dpbusd_epi32(a1, _mm512_unpackhi_epi16(ab0, cd0), w);
        a2 = _mm512_dpbusd_epi32(a2, _mm512_unpacklo_epi16(ab1, cd1), w);
        a3 = _mm512_dpbusd_epi32(a3, _mm512_unpackhi_epi16(ab1, cd1), w);
    }
    return narrow64(rq16(a0, off, mult, lo, hi, zp), rq16(a1, off, mult, lo, hi, zp), rq16(a2, off, mult, lo, hi, zp),
                    rq16(a3, off, mult, lo, hi, zp));
}

/*
 * The plane split into sh x sw stride phases of `phase` bytes (one phase for stride 1), rows q bytes wide: tap (i, j)
 * is the run at phase ((i*dh) % sh, (j*dw) % sw), row (i*dh) / sh, column (j*dw) / sw, as in dw_phase_runs. Every run
 * may be read up to 63 bytes past oh * q (the last block): the caller guarantees those bytes are readable.
 */
QL_T static inline __attribute__((always_inline)) void runs(const ql_dw_plane *d, const uint8_t *phases,
                                                            size_t phase, int q, int sh, int sw, uint8_t *wide) {
    /* inlined with constant sh, sw (1 or 2), so the phase arithmetic below is shifts and masks, not divisions: this
     * set-up runs once per channel, which for 7 x 7 planes is as often as a block */
    int taps = d->kh * d->kw, groups = (taps + 3) / 4;
    const uint8_t *src[MAX_TAPS];
    int32_t wq[MAX_TAPS / 4];
    uint8_t wb[MAX_TAPS];
    int t = 0;
    for (int i = 0; i < d->kh; i++) {
        int ri = i * d->dh;
        for (int j = 0; j < d->kw; j++, t++) {
            int cj = j * d->dw;
            src[t] = phases + (size_t) ((ri % sh) * sw + cj % sw) * phase + (size_t) (ri / sh) * (size_t) q
                     + (size_t) (cj / sw);
            wb[t] = (uint8_t) d->w[t];
        }
    }
    for (; t < 4 * groups; t++) {
        src[t] = src[0];
        wb[t] = 0;
    }
    for (int g = 0; g < groups; g++) {
        memcpy(&wq[g], wb + 4 * g, 4);  /* little-endian: byte k of the lane multiplies tap 4g + k */
    }
    __m512i off = _mm512_set1_epi32(d->base), zp = _mm512_set1_epi32(d->rq->zp);
    __m512 mult = _mm512_set1_ps(d->mult);
    __m512 lo = _mm512_set1_ps((float) (d->rq->lo - d->rq->zp)), hi = _mm512_set1_ps((float) (d->rq->hi - d->rq->zp));
    size_t n = (size_t) d->oh * (size_t) q;
    for (size_t t0 = 0; t0 < n; t0 += 64) {
        _mm512_storeu_si512(wide + t0, block64(groups, src, wq, t0, off, mult, lo, hi, zp));
    }
    if (d->ow <= 64) {  /* short rows: one masked store each (a memcpy call per 7-byte row cost more than its block) */
        __mmask64 k = d->ow == 64 ? ~(__mmask64) 0 : (((__mmask64) 1 << d->ow) - 1);
        for (int oh = 0; oh < d->oh; oh++) {
            _mm512_mask_storeu_epi8(d->y + (size_t) oh * d->ow, k, _mm512_loadu_si512(wide + (size_t) oh * q));
        }
    } else {
        for (int oh = 0; oh < d->oh; oh++) {
            memcpy(d->y + (size_t) oh * d->ow, wide + (size_t) oh * q, (size_t) d->ow);
        }
    }
}

/* Even and odd bytes of 128 source bytes, each 64 in order (packus interleaves 128-bit lanes; the permute undoes it). */
QL_T static inline void deinterleave128(const uint8_t *src, __m512i *even, __m512i *odd) {
    const __m512i fix = _mm512_set_epi64(7, 5, 3, 1, 6, 4, 2, 0), lowb = _mm512_set1_epi16(0x00FF);
    __m512i v0 = _mm512_loadu_si512(src), v1 = _mm512_loadu_si512(src + 64);
    *even = _mm512_permutexvar_epi64(fix, _mm512_packus_epi16(_mm512_and_si512(v0, lowb), _mm512_and_si512(v1, lowb)));
    *odd = _mm512_permutexvar_epi64(fix, _mm512_packus_epi16(_mm512_srli_epi16(v0, 8), _mm512_srli_epi16(v1, 8)));
}

QL_T int ql_dw_plane_vnni512(const ql_dw_plane *d) {
    int taps = d->kh * d->kw;
    if (taps > MAX_TAPS) {
        return 0;
    }
    uint8_t *tmp = d->tmp;
    if (d->sh == 1 && d->sw == 1) {
        /* runs end at most (kh-1)*dh rows + (kw-1)*dw bytes + 63 past oh * pw: inside the plane and its slack */
        if ((d->kw - 1) * d->dw + 63 > QL_DW_SLACK) {
            return 0;
        }
        runs(d, d->p, 0, d->pw, 1, 1, tmp);
        return 1;
    }
    if (d->sh == 2 && d->sw == 2 && d->dh == 1 && d->dw == 1 && (d->kw - 1) / 2 + 63 <= QL_DW_SLACK) {
        /* The four stride phases Q[rp][cp][a][b] = P[2a + rp][2b + cp] (ph2 x q each), laid out as dw_plane's stride
         * 2 x 2 path does (after oh * q + 16 int32 of the scratch, whose start holds the wide output here). */
        int ph = (d->oh - 1) * 2 + d->kh;
        int ph2 = (ph + 1) / 2, q = (d->pw + 1) / 2;
        size_t phase = (size_t) ph2 * (size_t) q;
        size_t n = (size_t) d->oh * (size_t) q;
        uint8_t *qs = tmp + (n + 16) * 4;
        int half = d->pw / 2;
        for (int r = 0; r < ph; r++) {
            const uint8_t *src = d->p + (size_t) r * (size_t) d->pw;
            uint8_t *e = qs + (size_t) ((r & 1) * 2) * phase + (size_t) (r >> 1) * q;
            uint8_t *o = e + phase;
            int c = 0;
            /* 128 source bytes per step; src + 2c + 127 stays inside the plane and its slack for c < half */
            for (; c < half; c += 64) {
                __m512i ev, od;
                deinterleave128(src + 2 * c, &ev, &od);
                __mmask64 k = half - c >= 64 ? ~(__mmask64) 0 : (((__mmask64) 1 << (half - c)) - 1);
                _mm512_mask_storeu_epi8(e + c, k, ev);
                _mm512_mask_storeu_epi8(o + c, k, od);
            }
            if (d->pw & 1) {
                e[q - 1] = src[d->pw - 1];
                o[q - 1] = 0;
            }
        }
        ql_dw_phases_finish(qs, phase, ph, ph2, q);
        runs(d, qs, phase, q, 2, 2, tmp);
        return 1;
    }
    return 0;
}

/* The padded plane's rows: one masked 64-byte load and store per row up to 64 bytes (MobileNetV2's rows are 7-112),
 * where a memcpy call per row was 10% of MobileNetV2's int8 time at batch 4. Masked loads read only the run's bytes. */
QL_T void ql_copy_rows_avx512(const uint8_t *src, int rows, int len, size_t src_stride, uint8_t *dst,
                              size_t dst_stride) {
    for (int r = 0; r < rows; r++, src += src_stride, dst += dst_stride) {
        int t = 0;
        for (; t + 64 <= len; t += 64) {
            _mm512_storeu_si512(dst + t, _mm512_loadu_si512(src + t));
        }
        if (t < len) {
            __mmask64 k = ((__mmask64) 1 << (len - t)) - 1;
            _mm512_mask_storeu_epi8(dst + t, k, _mm512_maskz_loadu_epi8(k, src + t));
        }
    }
}

