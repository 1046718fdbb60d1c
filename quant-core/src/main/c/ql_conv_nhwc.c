/*
 * The channel-last conv path: the convolution as an indirect GEMM over a padded NHWC copy of the input, no im2col.
 *
 * Why: the column path (ql_conv.c) builds every im2col row (kh x kw copies of each input byte) and interleaves four
 * rows at a time into vector panels; on ResNet-18's 64-channel 3 x 3 convs that is a third of the layer's time. Here
 * the input is copied once, channel-last and padded with its zero point ([image][ph][pw][cp], cp = c rounded up to
 * 4), so the 4 channels of one k group are one 32-bit word: a tile row (one output pixel) is a pointer to the pixel's
 * first tap, and tap (i, j) is a fixed offset from it, inside the padding by construction. The weights are packed
 * once as vector panels in the same (tap, channel) k order, 64 output channels per panel; a tile is 6 pixels x 64
 * output channels (ops->tile_u8s8_ind_rq), so its results are pixel-major, and each chunk of pixels is transposed into
 * the NCHW output while it is still in cache.
 *
 * Same products, same sums (padding channels have zero weights), same offsets (bias - xzp * sum(w)) and the same
 * requantization as the column path: the same bytes. Only levels with tile_u8s8_ind_rq (AVX512-VNNI) take it, so
 * this file's layout copies use AVX-512 too.
 */
#include <stdlib.h>
#include <string.h>
#include "ql_conv_impl.h"
#include "ql_pack.h"
#include "ql_zmm.h"

/* Bytes of the padded input a chunk of output pixels reads (about: its pixels x cp) and of its pixel-major results
 * (pixels x m), each at most: kept in L2 next to one weights panel (k x 64 bytes, 295 KiB for ResNet-18's deepest
 * 3 x 3 conv) while every panel passes over them. */
#define NHWC_CHUNK_BYTES (256 * 1024)
/* Bytes of padded input converted per pass (whole images, at least one): a pass's copy is read from L2, not memory. */
#define NHWC_PASS_BYTES (512 * 1024)

/* Geometry of the padded copy: every tap of every output pixel reads inside it. */
static void padded_dims(const ql_conv_spec *s, int *ph, int *pw) {
    int need_h = (s->oh - 1) * s->sh + (s->kh - 1) * s->dh + 1, need_w = (s->ow - 1) * s->sw + (s->kw - 1) * s->dw + 1;
    int h = s->pt + s->ih, w = s->pl + s->iw;
    *ph = need_h > h ? need_h : h;
    *pw = need_w > w ? need_w : w;
}

static int chunk_pixels(const ql_conv *cv, long columns) {
    long per_pixel = cv->nhwc_cp > cv->s.m ? cv->nhwc_cp : cv->s.m;  /* its input, or its pixel-major results */
    long px = NHWC_CHUNK_BYTES / per_pixel / 6 * 6;
    if (px < 6) px = 6;
    long all = (columns + 5) / 6 * 6;
    return (int) (px < all ? px : all);
}

void ql_nhwc_free(ql_conv *cv) {
    free(cv->nhwc_b);
    free(cv->nhwc_toff);
    cv->nhwc_b = NULL;
    cv->nhwc_toff = NULL;
}

/* Channels of the padded copy: c rounded up to a whole k group. */
static int padded_channels(const ql_conv_spec *s) {
    return (s->c + 3) / 4 * 4;
}

/*
 * Where it applies: a level with the tile, one group, finite multipliers, a real kernel window (1 x 1 convs read
 * their input in place on the column path), at least 32 input channels (with 16, SqueezeNet's fire2/3 expand convs:
 * 4 k groups per tap, the path was 3% slower at batch 32 in the C harness and no faster at batch 1), and little padding
 * waste: channels rounded up to 4 and output channels to 64 lose at most 10% and 25% of the products.
 */
static int nhwc_applies(const ql_conv *cv) {
    const ql_conv_spec *s = &cv->s;
    int cp = padded_channels(s), mp = (s->m + 63) / 64 * 64;
    return cv->ops->tile_u8s8_ind_rq != NULL && cv->ops->nr == 64 && s->group == 1 && cv->finite
           && s->kh * s->kw > 1 && cp >= 32 && 10 * s->c >= 9 * cp && 4 * s->m >= 3 * mp;
}

int ql_nhwc_pack(ql_conv *cv, const int8_t *w) {
    if (!nhwc_applies(cv)) {
        return 0;
    }
    const ql_conv_spec *s = &cv->s;
    int taps = s->kh * s->kw, cp = padded_channels(s), m = s->m;
    size_t kp = (size_t) taps * (size_t) cp;
    int ph, pw;
    padded_dims(s, &ph, &pw);
    int8_t *wt = calloc(kp * (size_t) m, 1);
    int32_t *toff = malloc(sizeof(int32_t) * (size_t) taps);
    if (wt == NULL || toff == NULL) {
        free(wt);
        free(toff);
        return 0;
    }
    /* k row (t, ci) of the panels is weight [ch][ci][i][j], t = i * kw + j; rows ci >= c stay zero */
    for (int ch = 0; ch < m; ch++) {
        for (int ci = 0; ci < s->c; ci++) {
            for (int t = 0; t < taps; t++) {
                wt[((size_t) t * cp + ci) * m + ch] = w[((size_t) ch * s->c + ci) * taps + t];
            }
        }
    }
    int packed = ql_conv_pack_pixel_major(cv, (int) kp, wt, &cv->nhwc_b);
    free(wt);
    if (!packed) {
        free(toff);
        return 0;
    }
    for (int i = 0; i < s->kh; i++) {
        for (int j = 0; j < s->kw; j++) {
            toff[i * s->kw + j] = (i * s->dh * pw + j * s->dw) * cp;
        }
    }
    cv->nhwc_toff = toff;
    cv->nhwc_cp = cp;
    return 1;
}

int ql_nhwc_takes(const ql_conv *cv) {
    return cv->nhwc_b != NULL;
}

static size_t padded_image_bytes(const ql_conv *cv) {
    int ph, pw;
    padded_dims(&cv->s, &ph, &pw);
    return (size_t) ph * (size_t) pw * (size_t) cv->nhwc_cp;
}

/* Images per pass: their padded copy within NHWC_PASS_BYTES, at least one. */
static int images_per_pass(const ql_conv *cv, int images) {
    size_t per = NHWC_PASS_BYTES / padded_image_bytes(cv);
    if (per < 1) per = 1;
    return per < (size_t) images ? (int) per : images;
}

size_t ql_nhwc_scratch(const ql_conv *cv, int images) {
    int per = images_per_pass(cv, images);
    size_t chunk = (size_t) chunk_pixels(cv, (long) per * cv->s.oh * cv->s.ow);
    return 5 * QL_ALIGN + (size_t) per * padded_image_bytes(cv) + 64  /* padded input of one pass (+ slack) */
           + chunk * sizeof(uint8_t *)                                /* pixel pointers */
           + chunk * (size_t) cv->s.m + 64                            /* pixel-major results */
           + 6 * 64;                                                  /* one tile for a part panel */
}

/* ---- layout copies: 16 x 16 byte transposes ---- */

/* out[j] byte i = r[i] byte j for 16 rows of 16 bytes: four unpack stages, each doubling the run of one source column
 * (bytes, words, dwords, qwords); the indices say which column and rows each register holds after each stage. */
QL_T static inline void transpose16(const __m128i r[16], __m128i out[16]) {
    __m128i l[8], h[8], s[4][4], t[2][8];
    for (int p = 0; p < 8; p++) {          /* l[p]: columns 0-7, h[p]: 8-15, of rows 2p and 2p + 1 */
        l[p] = _mm_unpacklo_epi8(r[2 * p], r[2 * p + 1]);
        h[p] = _mm_unpackhi_epi8(r[2 * p], r[2 * p + 1]);
    }
    for (int g = 0; g < 4; g++) {          /* s[g][q]: columns 4q..4q+3 of rows 4g..4g+3 */
        s[g][0] = _mm_unpacklo_epi16(l[2 * g], l[2 * g + 1]);
        s[g][1] = _mm_unpackhi_epi16(l[2 * g], l[2 * g + 1]);
        s[g][2] = _mm_unpacklo_epi16(h[2 * g], h[2 * g + 1]);
        s[g][3] = _mm_unpackhi_epi16(h[2 * g], h[2 * g + 1]);
    }
    for (int g = 0; g < 2; g++) {          /* t[g][c]: columns 2c, 2c + 1 of rows 8g..8g+7 */
        for (int q = 0; q < 4; q++) {
            t[g][2 * q] = _mm_unpacklo_epi32(s[2 * g][q], s[2 * g + 1][q]);
            t[g][2 * q + 1] = _mm_unpackhi_epi32(s[2 * g][q], s[2 * g + 1][q]);
        }
    }
    for (int c = 0; c < 8; c++) {          /* out[j]: column j of all 16 rows */
        out[2 * c] = _mm_unpacklo_epi64(t[0][c], t[1][c]);
        out[2 * c + 1] = _mm_unpackhi_epi64(t[0][c], t[1][c]);
    }
}

/* x[images][c][ih][iw] -> xt[images][ph][pw][cp]: the zero point around the plane, channels c..cp-1 zero (their
 * weights are zero). 16 pixels (flat over the plane, so rows of 7 or 14 still fill a block) x 16 channels at a time. */
QL_T static void to_padded_nhwc(const ql_conv *cv, const uint8_t *x, int images, uint8_t *xt) {
    const ql_conv_spec *s = &cv->s;
    int cp = cv->nhwc_cp, ph, pw;
    padded_dims(s, &ph, &pw);
    long hw = (long) s->ih * s->iw;
    size_t rowb = (size_t) pw * (size_t) cp;
    int zp = s->xzp;
    for (int img = 0; img < images; img++) {
        const uint8_t *xi = x + (size_t) img * (size_t) s->c * (size_t) hw;
        uint8_t *ti = xt + (size_t) img * (size_t) ph * rowb;
        memset(ti, zp, (size_t) s->pt * rowb);
        memset(ti + (size_t) (s->pt + s->ih) * rowb, zp, (size_t) (ph - s->pt - s->ih) * rowb);
        for (int r = 0; r < s->ih; r++) {
            uint8_t *row = ti + (size_t) (s->pt + r) * rowb;
            memset(row, zp, (size_t) s->pl * (size_t) cp);
            memset(row + (size_t) (s->pl + s->iw) * (size_t) cp, zp, (size_t) (pw - s->pl - s->iw) * (size_t) cp);
        }
        for (long p0 = 0; p0 < hw; p0 += 16) {
            int n = hw - p0 < 16 ? (int) (hw - p0) : 16;
            __mmask16 pm = (__mmask16) ((1u << n) - 1);
            uint8_t *d[16];
            long row = p0 / s->iw, col = p0 % s->iw;
            for (int t = 0; t < n; t++) {
                d[t] = ti + ((size_t) (s->pt + row) * (size_t) pw + (size_t) (s->pl + col)) * (size_t) cp;
                if (++col == s->iw) {
                    col = 0;
                    row++;
                }
            }
            for (int c0 = 0; c0 < cp; c0 += 16) {
                __m128i r[16], o[16];
                for (int i = 0; i < 16; i++) {
                    r[i] = c0 + i < s->c ? _mm_maskz_loadu_epi8(pm, xi + (size_t) (c0 + i) * (size_t) hw + p0)
                                         : _mm_setzero_si128();
                }
                transpose16(r, o);
                if (c0 + 16 <= cp) {
                    for (int t = 0; t < n; t++) _mm_storeu_si128((__m128i *) (d[t] + c0), o[t]);
                } else {
                    __mmask16 cm = (__mmask16) ((1u << (cp - c0)) - 1);
                    for (int t = 0; t < n; t++) _mm_mask_storeu_epi8(d[t] + c0, cm, o[t]);
                }
            }
        }
    }
}

/* Pixel-major results out[npx][m] of global columns [n0, n0 + npx) -> y[image][m][oh * ow], 16 pixels (never across
 * an image end) x 16 channels at a time. */
QL_T static void to_nchw(const ql_conv *cv, const uint8_t *out, long n0, int npx, uint8_t *y) {
    const ql_conv_spec *s = &cv->s;
    long hw = (long) s->oh * s->ow;
    int m = s->m;
    for (int idx = 0; idx < npx;) {
        long n = n0 + idx, img = n / hw, p = n % hw;
        int len = 16;
        if (hw - p < len) len = (int) (hw - p);
        if (npx - idx < len) len = npx - idx;
        __mmask16 pm = (__mmask16) ((1u << len) - 1);
        uint8_t *yi = y + (size_t) img * (size_t) m * (size_t) hw + (size_t) p;
        for (int c0 = 0; c0 < m; c0 += 16) {
            int nc = m - c0 < 16 ? m - c0 : 16;
            __mmask16 cm = (__mmask16) ((1u << nc) - 1);
            __m128i r[16], o[16];
            for (int t = 0; t < 16; t++) {
                r[t] = t < len ? _mm_maskz_loadu_epi8(cm, out + (size_t) (idx + t) * (size_t) m + c0) : _mm_setzero_si128();
            }
            transpose16(r, o);
            for (int c = 0; c < nc; c++) {
                _mm_mask_storeu_epi8(yi + (size_t) (c0 + c) * (size_t) hw, pm, o[c]);
            }
        }
        idx += len;
    }
}

/* The tiles over the padded copy xt of `images` images: pixel chunks, pointers, panels, then the chunk's transpose. */
static void run_pass(const ql_conv *cv, const uint8_t *xt, int images, uint8_t *y, const uint8_t **px, uint8_t *out,
                     uint8_t *buf) {
    const ql_ops *ops = cv->ops;
    const ql_conv_spec *s = &cv->s;
    int cp = cv->nhwc_cp, taps = s->kh * s->kw, groups = cp / 4, m = s->m, ph, pw;
    padded_dims(s, &ph, &pw);
    long columns = (long) images * s->oh * s->ow;
    int chunk = chunk_pixels(cv, columns);
    size_t istride = (size_t) ph * (size_t) pw * (size_t) cp;
    ql_rq rq = {s->yzp, s->lo, s->hi};
    size_t bpanel = (size_t) taps * (size_t) groups * 4 * 64;
    for (long n0 = 0; n0 < columns; n0 += chunk) {
        int npx = columns - n0 < chunk ? (int) (columns - n0) : chunk;
        int padded = (npx + 5) / 6 * 6;
        long hw = (long) s->oh * s->ow, img = n0 / hw, oh = n0 % hw / s->ow, ow = n0 % s->ow;
        for (int t = 0; t < npx; t++) {
            px[t] = xt + (size_t) img * istride
                    + ((size_t) oh * (size_t) s->sh * (size_t) pw + (size_t) ow * (size_t) s->sw) * (size_t) cp;
            if (++ow == s->ow) {
                ow = 0;
                if (++oh == s->oh) {
                    oh = 0;
                    img++;
                }
            }
        }
        for (int t = npx; t < padded; t++) {
            px[t] = px[npx - 1];  /* a last block's missing rows repeat a real pixel */
        }
        /* Weights panel outer: each panel (k x 64 bytes) stays in L2 while the chunk's pixel blocks pass. */
        for (int col = 0; col < m; col += 64) {
            const uint8_t *b = cv->nhwc_b + (size_t) (col / 64) * bpanel;
            int cols = m - col < 64 ? m - col : 64;
            for (int r0 = 0; r0 < npx; r0 += 6) {
                int rows = npx - r0 < 6 ? npx - r0 : 6;
                if (cols == 64) {
                    ops->tile_u8s8_ind_rq(taps, cv->nhwc_toff, groups, px + r0, b, rows, cv->off_lanes + col,
                                          cv->mult_lanes + col, &rq, out + (size_t) r0 * (size_t) m + col, (size_t) m);
                } else {
                    ops->tile_u8s8_ind_rq(taps, cv->nhwc_toff, groups, px + r0, b, rows, cv->off_lanes + col,
                                          cv->mult_lanes + col, &rq, buf, 64);
                    for (int r = 0; r < rows; r++) {
                        memcpy(out + (size_t) (r0 + r) * (size_t) m + col, buf + (size_t) r * 64, (size_t) cols);
                    }
                }
            }
        }
        to_nchw(cv, out, n0, npx, y);
    }
}

void ql_nhwc_run(const ql_conv *cv, const uint8_t *x, int images, uint8_t *y, uint8_t *scratch) {
    const ql_conv_spec *s = &cv->s;
    int per = images_per_pass(cv, images), chunk = chunk_pixels(cv, (long) per * s->oh * s->ow);
    uint8_t *xt = ql_align(scratch);
    const uint8_t **px = (const uint8_t **) ql_align(xt + (size_t) per * padded_image_bytes(cv) + 64);
    uint8_t *out = ql_align((uint8_t *) (px + chunk));
    uint8_t *buf = ql_align(out + (size_t) chunk * (size_t) s->m + 64);
    size_t x_image = (size_t) s->c * (size_t) s->ih * (size_t) s->iw, y_image = (size_t) s->m * (size_t) s->oh * (size_t) s->ow;
    /* A few images at a time, so their padded copy is still in L2 when the tiles read it. */
    for (int i0 = 0; i0 < images; i0 += per) {
        int n = images - i0 < per ? images - i0 : per;
        to_padded_nhwc(cv, x + (size_t) i0 * x_image, n, xt);
        run_pass(cv, xt, n, y + (size_t) i0 * y_image, px, out, buf);
    }
}
