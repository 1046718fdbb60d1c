/*
 * The channel-blocked depthwise fp32 kernel on zmm (ql_fdwc in ql_float.h): 16 channels in the lanes, so every
 * vector is full whatever the plane's width, and a tap is one fused multiply-add per output pixel.
 *
 * Why: the plane kernel (dw_plane) works one channel plane at a time, and pays per plane for a row-by-row padded copy
 * and for the wide rows' dropped columns. On MobileNetV2 at batch 1 that made depthwise layers 2-5x slower than ONNX
 * Runtime's channel-blocked (NCHWc) ones, worst on the 7 x 7 planes (960 channels: 137 us against 28 us).
 *
 * Per strip of output rows: the strip's input rows are transposed (16 x 16 in registers) into buf[row][pw][16] with
 * the zero padding around them; then each block of 16 output pixels of a row accumulates in 16 registers over the
 * taps, gets its bias and clamp, and is transposed back into the 16 channel planes. A row's last block may compute
 * pixels past the row's end (they read further along buf, or its zeroed slack) and never stores them.
 */
#include <immintrin.h>
#include <string.h>
#include "ql_float.h"

#define QL_T __attribute__((target("avx2,fma,avx512f")))
#define QL_INLINE inline __attribute__((always_inline))
#define L QL_FDWC_LANES

size_t ql_fdwc_buf_floats(int kh, int dh, int sh, int sw, int pw, int strip) {
    size_t rows = (size_t) (strip - 1) * (size_t) sh + (size_t) (kh - 1) * (size_t) dh + 1;
    /* a row block's 16 pixels reach 15 * sw pixels past the last one the taps need */
    return (rows * (size_t) pw + 15 * (size_t) sw + 1) * L;
}

/* r[i] lane j -> r[j] lane i, for 16 x 16 floats. */
QL_T static QL_INLINE void transpose16(__m512 r[16]) {
    __m512 t[16], u[16];
#pragma GCC unroll 8
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    /* u[4i + k], 128-bit lane l: column 4l + k of rows 4i .. 4i + 3 */
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
        __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
        __m512d c = _mm512_castps_pd(t[4 * i + 2]), e = _mm512_castps_pd(t[4 * i + 3]);
        u[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
        u[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
        u[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, e));
        u[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, e));
    }
    /* column 4l + k gathers lane l of u[k], u[4 + k], u[8 + k], u[12 + k] */
#pragma GCC unroll 4
    for (int k = 0; k < 4; k++) {
        __m512 v0 = _mm512_shuffle_f32x4(u[k], u[4 + k], 0x88), v1 = _mm512_shuffle_f32x4(u[k], u[4 + k], 0xdd);
        __m512 w0 = _mm512_shuffle_f32x4(u[8 + k], u[12 + k], 0x88), w1 = _mm512_shuffle_f32x4(u[8 + k], u[12 + k], 0xdd);
        r[k] = _mm512_shuffle_f32x4(v0, w0, 0x88);
        r[4 + k] = _mm512_shuffle_f32x4(v1, w1, 0x88);
        r[8 + k] = _mm512_shuffle_f32x4(v0, w0, 0xdd);
        r[12 + k] = _mm512_shuffle_f32x4(v1, w1, 0xdd);
    }
}

/* One block: rows [0, rows) (<= 16) of src, columns [0, n) (<= 16), zeros elsewhere, transposed; column j < n is
 * stored at dst + j * ldd, its lanes in sm. Shared by the depthwise kernel's row fill and the transpose op. */
QL_T static QL_INLINE void transpose_block(const float *src, size_t lds, int rows, int n, float *dst, size_t ldd,
                                           __mmask16 sm) {
    __mmask16 m = (__mmask16) ((1u << n) - 1);
    __m512 z = _mm512_setzero_ps(), r[16];
#pragma GCC unroll 16
    for (int i = 0; i < 16; i++) {
        r[i] = i < rows ? _mm512_maskz_loadu_ps(m, src + (size_t) i * lds) : z;
    }
    transpose16(r);
#pragma GCC unroll 16
    for (int j = 0; j < 16; j++) {
        if (j < n) _mm512_mask_storeu_ps(dst + (size_t) j * ldd, sm, r[j]);
    }
}

/* Padded input row a of the block into dst[pw][16]: zeros outside the input, the 16 channels' values inside. */
QL_T static void fill_row(const ql_fdwc *d, int a, float *dst) {
    const ql_fconv_spec *s = d->s;
    int pw = d->pw, ih = a - s->pt;
    __m512 z = _mm512_setzero_ps();
    if (ih < 0 || ih >= s->ih) {
        for (int p = 0; p < pw; p++) _mm512_store_ps(dst + (size_t) p * L, z);
        return;
    }
    /* input columns [0, c1) land on padded columns pl + ic < pw */
    int left = s->pl < pw ? s->pl : pw;
    int c1 = pw - left < s->iw ? pw - left : s->iw;
    for (int p = 0; p < left; p++) _mm512_store_ps(dst + (size_t) p * L, z);
    for (int p = left + c1; p < pw; p++) _mm512_store_ps(dst + (size_t) p * L, z);
    const float *row = d->x + (size_t) ih * s->iw;
    size_t plane = (size_t) s->ih * s->iw;
    for (int ic = 0; ic < c1; ic += L) {
        /* whole pixel vectors: the lanes past the block's channels become zeros, not stale scratch */
        transpose_block(row + ic, plane, d->channels, c1 - ic < L ? c1 - ic : L, dst + (size_t) (left + ic) * L, L,
                        (__mmask16) 0xFFFF);
    }
}

#define P16(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
#define ZERO_ACC(p) __m512 a##p = _mm512_setzero_ps();
/* lanes 0-7 read from in0, lanes 8-15 from in1 (in0 + 8 * sw pixels when a block is one row's 16 pixels) */
#define FMA_ACC(p) a##p = _mm512_fmadd_ps(wv, _mm512_load_ps(((p) < 8 ? in0 : in1) + (size_t) (p) * sw * L), a##p);
#define EPI_ACC(p) o[p] = _mm512_min_ps(vhi, _mm512_max_ps(vlo, _mm512_add_ps(a##p, vb)));

/*
 * One block of 16 output pixels: lanes 0-7 start at strip row r's column ow0, lanes 8-15 at column ow0 + 8 of the
 * same row (pair == 0) or at column 0 of row r + 1 (pair == 1: planes at most 8 wide, so two rows fill a block that
 * one row would fill at most half). Stores lanes [0, n0) at output row oh and, for a pair, lanes [8, 8 + n1) at row
 * oh + 1. sw is a literal at the call sites that matter (1, 2), so each pixel's load has a constant displacement.
 */
QL_T static QL_INLINE void block(const ql_fdwc *d, int r, int oh, int ow0, int pair, int n0, int n1, int sw) {
    const ql_fconv_spec *s = d->s;
    int kh = s->kh, kw = s->kw, ow = s->ow;
    size_t plane = (size_t) s->oh * (size_t) ow;
    /* from the first half's pixel 0 to the second half's, minus the 8 * sw pixels the lane index adds */
    ptrdiff_t delta = pair ? ((ptrdiff_t) s->sh * d->pw - 8 * sw) * L : 0;
    P16(ZERO_ACC)
    for (int i = 0; i < kh; i++) {
        const float *rp = d->buf + ((size_t) (r * s->sh + i * s->dh) * d->pw + (size_t) ow0 * sw) * L;
        const float *wp = d->w + (size_t) i * kw * L;
        for (int j = 0; j < kw; j++) {
            __m512 wv = _mm512_load_ps(wp + (size_t) j * L);
            const float *in0 = rp + (size_t) j * s->dw * L, *in1 = in0 + delta;
            P16(FMA_ACC)
        }
    }
    __m512 vb = _mm512_load_ps(d->bias), vlo = _mm512_set1_ps(d->lo), vhi = _mm512_set1_ps(d->hi);
    __m512 o[16];
    P16(EPI_ACC)
    transpose16(o);
    float *y0 = d->y + (size_t) oh * ow + ow0;
    __mmask16 m1 = (__mmask16) (((1u << n1) - 1) << 8);
    __mmask16 m0 = pair ? (__mmask16) ((1u << n0) - 1) : (__mmask16) ((1u << n0) - 1) | m1;
#pragma GCC unroll 16
    for (int c = 0; c < 16; c++) {
        if (c < d->channels) {
            _mm512_mask_storeu_ps(y0 + c * plane, m0, o[c]);
            /* lane 8 + t is output (oh + 1, t): the store's lane 0 sits 8 floats before that row */
            if (pair && n1 > 0) _mm512_mask_storeu_ps(y0 + c * plane + ow - 8, m1, o[c]);
        }
    }
}

/* Output rows [oh0, oh0 + rows) of the strip (its taps start at buf row 0): blocks of 16 pixels along each row, or
 * row pairs for planes at most 8 wide. */
QL_T static QL_INLINE void strip_rows(const ql_fdwc *d, int oh0, int rows, int sw) {
    int ow = d->s->ow;
    if (ow <= 8) {
        for (int r = 0; r < rows; r += 2) {
            int pair = r + 1 < rows;
            block(d, r, oh0 + r, 0, pair, ow, pair ? ow : 0, sw);
        }
        return;
    }
    for (int r = 0; r < rows; r++) {
        for (int ow0 = 0; ow0 < ow; ow0 += 16) {
            int n = ow - ow0 < 16 ? ow - ow0 : 16;
            block(d, r, oh0 + r, ow0, 0, n < 8 ? n : 8, n < 8 ? 0 : n - 8, sw);
        }
    }
}

QL_T static void strip_rows_s1(const ql_fdwc *d, int oh0, int rows) { strip_rows(d, oh0, rows, 1); }
QL_T static void strip_rows_s2(const ql_fdwc *d, int oh0, int rows) { strip_rows(d, oh0, rows, 2); }
QL_T static void strip_rows_any(const ql_fdwc *d, int oh0, int rows) { strip_rows(d, oh0, rows, d->s->sw); }

QL_T void ql_fdw_cblock_avx512(const ql_fdwc *d) {
    const ql_fconv_spec *s = d->s;
    void (*rows_of)(const ql_fdwc *, int, int) = s->sw == 1 ? strip_rows_s1 : s->sw == 2 ? strip_rows_s2 : strip_rows_any;
    size_t full_rows = (size_t) (d->strip - 1) * s->sh + (size_t) (s->kh - 1) * s->dh + 1;
    /* the slack past the strip's rows: what the last blocks' unused pixels read */
    memset(d->buf + full_rows * d->pw * L, 0, sizeof(float) * (15 * (size_t) s->sw + 1) * L);
    for (int r0 = 0; r0 < s->oh; r0 += d->strip) {
        int rows = s->oh - r0 < d->strip ? s->oh - r0 : d->strip;
        int in_rows = (rows - 1) * s->sh + (s->kh - 1) * s->dh + 1;
        for (int a = 0; a < in_rows; a++) {
            fill_row(d, r0 * s->sh + a, d->buf + (size_t) a * d->pw * L);
        }
        rows_of(d, r0, rows);
    }
}

/* dst[c * ldd + r] = src[r * lds + c] for r < rows (<= 16), c < cols: 16 x 16 blocks through registers. */
QL_T void ql_f32_transpose_avx512(const float *src, size_t lds, int rows, int cols, float *dst, size_t ldd) {
    __mmask16 rm = (__mmask16) ((1u << rows) - 1);
    for (int c0 = 0; c0 < cols; c0 += 16) {
        transpose_block(src + c0, lds, rows, cols - c0 < 16 ? cols - c0 : 16, dst + (size_t) c0 * ldd, ldd, rm);
    }
}
