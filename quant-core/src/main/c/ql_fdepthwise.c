/*
 * Depthwise float Conv (group == c == m): one filter per channel, two ways, by level:
 * - channel-blocked (levels with dw_cblock, AVX-512): 16 channels at a time in the vector lanes (ql_fdw_avx512.c).
 * - per plane (the others): each channel plane is copied once into its zero-padded stride phases (ql_fphases.c; for
 *   stride 1 just the padded plane), then the level's kernel computes the plane in wide rows (ql_f32_kernels.h): a
 *   block of outputs stays in registers across all taps, one store per output, where the Java kernel's axpy per tap
 *   streams the whole output plane through memory kh * kw times.
 * Both do the same operations per output (taps in order, then the bias and the clamp), so they give the same bits.
 */
#include <stdlib.h>
#include <string.h>
#include "ql_fconv_impl.h"

/* Floats of a channel-blocked strip's input rows at most: L2-resident next to the output rows it feeds (a strip of
 * 112-wide rows is 7 KiB per row). At least one output row per strip, however wide. */
#define STRIP_FLOATS (24 * 1024)

int ql_fdw_prepare(ql_fconv *cv) {
    const ql_fconv_spec *s = &cv->s;
    if (cv->ops->dw_cblock == NULL) {
        return 1;
    }
    int taps = s->kh * s->kw, blocks = (s->c + QL_FDWC_LANES - 1) / QL_FDWC_LANES;
    size_t wfloats = (size_t) blocks * (size_t) taps * QL_FDWC_LANES, bfloats = (size_t) blocks * QL_FDWC_LANES;
    cv->wc = aligned_alloc(QL_ALIGN, ql_round_up(sizeof(float) * wfloats, QL_ALIGN));
    cv->bc = aligned_alloc(QL_ALIGN, ql_round_up(sizeof(float) * bfloats, QL_ALIGN));
    if (cv->wc == NULL || cv->bc == NULL) {
        return 0;
    }
    memset(cv->wc, 0, sizeof(float) * wfloats);
    memset(cv->bc, 0, sizeof(float) * bfloats);
    for (int ch = 0; ch < s->c; ch++) {
        int b = ch / QL_FDWC_LANES, lane = ch % QL_FDWC_LANES;
        for (int t = 0; t < taps; t++) {
            cv->wc[((size_t) b * taps + t) * QL_FDWC_LANES + lane] = cv->w[(size_t) ch * taps + t];
        }
        cv->bc[(size_t) b * QL_FDWC_LANES + lane] = cv->bias[ch];
    }
    cv->pw = (s->ow - 1) * s->sw + (s->kw - 1) * s->dw + 1;
    cv->strip = 1;
    while (cv->strip < s->oh
           && ql_fdwc_buf_floats(s->kh, s->dh, s->sh, s->sw, cv->pw, cv->strip + 1) <= STRIP_FLOATS) {
        cv->strip++;
    }
    return 1;
}

typedef struct {
    int ph2, qw;
    size_t phase, slack;
} dw_dims;

static dw_dims dims(const ql_fconv_spec *s) {
    dw_dims d;
    int ph = (s->oh - 1) * s->sh + (s->kh - 1) * s->dh + 1;
    int pw = (s->ow - 1) * s->sw + (s->kw - 1) * s->dw + 1;
    d.ph2 = (ph + s->sh - 1) / s->sh;
    d.qw = (pw + s->sw - 1) / s->sw;
    d.phase = (size_t) d.ph2 * (size_t) d.qw;
    d.slack = (size_t) d.qw + (size_t) s->kw * s->dw + 64;  /* what the wide rows' dropped columns read past */
    return d;
}

size_t ql_fdw_scratch(const ql_fconv *cv, int images) {
    (void) images;
    if (cv->wc != NULL) {
        const ql_fconv_spec *s = &cv->s;
        return QL_ALIGN / sizeof(float) + ql_fdwc_buf_floats(s->kh, s->dh, s->sh, s->sw, cv->pw, cv->strip);
    }
    dw_dims d = dims(&cv->s);
    size_t phases = (size_t) cv->s.sh * (size_t) cv->s.sw * d.phase + d.slack;
    size_t wide = (size_t) cv->s.oh * (size_t) d.qw;
    return 2 * (QL_ALIGN / sizeof(float)) + phases + wide;
}

void ql_fdw_run(const ql_fconv *cv, const float *x, int images, float *y, float *scratch) {
    const ql_fconv_spec *s = &cv->s;
    size_t in_plane = (size_t) s->ih * s->iw, out_plane = (size_t) s->oh * s->ow;
    if (cv->wc != NULL) {
        int taps = s->kh * s->kw;
        for (int b = 0; b < images; b++) {
            for (int c0 = 0; c0 < s->c; c0 += QL_FDWC_LANES) {
                size_t plane = (size_t) b * s->c + (size_t) c0;
                int blk = c0 / QL_FDWC_LANES;
                ql_fdwc p = {s, x + plane * in_plane, y + plane * out_plane,
                             s->c - c0 < QL_FDWC_LANES ? s->c - c0 : QL_FDWC_LANES, cv->pw, cv->strip,
                             cv->wc + (size_t) blk * taps * QL_FDWC_LANES, cv->bc + (size_t) blk * QL_FDWC_LANES,
                             cv->lo, cv->hi, ql_falign(scratch)};
                cv->ops->dw_cblock(&p);
            }
        }
        return;
    }
    dw_dims d = dims(s);
    float *q = ql_falign(scratch);
    size_t phases = (size_t) s->sh * s->sw * d.phase;
    float *tmp = ql_falign(q + phases + d.slack);
    memset(q + phases, 0, sizeof(float) * d.slack);
    int taps = s->kh * s->kw;
    for (int b = 0; b < images; b++) {
        for (int ch = 0; ch < s->c; ch++) {
            size_t plane = (size_t) b * s->c + (size_t) ch;
            ql_fphases_load(cv->ops, s, 1, d.ph2, d.qw, d.phase, x + plane * in_plane, q);
            ql_fdw p = {q, d.phase, d.qw, s->oh, s->ow, s->kh, s->kw, s->sh, s->sw, s->dh, s->dw,
                        cv->w + (size_t) ch * taps, cv->bias[ch], cv->lo, cv->hi, y + plane * out_plane, tmp};
            cv->ops->dw_plane(&p);
        }
    }
}
