/*
 * Depthwise float Conv (group == c == m): one filter per channel. Each channel plane is copied once into its
 * zero-padded stride phases (ql_fphases.c; for stride 1 just the padded plane), then the level's kernel computes
 * the plane in wide rows (ql_f32_kernels.h): a block of outputs stays in registers across all taps, one store per
 * output, where the Java kernel's axpy per tap streams the whole output plane through memory kh * kw times.
 */
#include <string.h>
#include "ql_fconv_impl.h"

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
    dw_dims d = dims(&cv->s);
    size_t phases = (size_t) cv->s.sh * (size_t) cv->s.sw * d.phase + d.slack;
    size_t wide = (size_t) cv->s.oh * (size_t) d.qw;
    return 2 * (QL_ALIGN / sizeof(float)) + phases + wide;
}

void ql_fdw_run(const ql_fconv *cv, const float *x, int images, float *y, float *scratch) {
    const ql_fconv_spec *s = &cv->s;
    dw_dims d = dims(s);
    float *q = ql_falign(scratch);
    size_t phases = (size_t) s->sh * s->sw * d.phase;
    float *tmp = ql_falign(q + phases + d.slack);
    memset(q + phases, 0, sizeof(float) * d.slack);
    size_t in_plane = (size_t) s->ih * s->iw, out_plane = (size_t) s->oh * s->ow;
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
