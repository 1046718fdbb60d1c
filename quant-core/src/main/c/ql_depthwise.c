/*
 * Depthwise QConv (group == c == m): one filter per channel, where im2col + GEMM would multiply 1-row matrices.
 * Each channel plane is copied once into a padded plane (padding = the input zero point), so every tap reads real
 * bytes and the zero-point correction is one constant per channel (ql_dw_plane in ql_int8.h). The level's vector
 * kernel handles the common geometries; this file's plain C loop handles the rest, and is the levels' reference.
 */
#include <string.h>
#include "ql_conv_impl.h"
#include "ql_requant.h"

/* Rows and row stride of the padded plane: just what the taps reach. */
static void plane_dims(const ql_conv_spec *s, int *ph, int *pw) {
    *ph = (s->oh - 1) * s->sh + (s->kh - 1) * s->dh + 1;
    *pw = (s->ow - 1) * s->sw + (s->kw - 1) * s->dw + 1;
}

size_t ql_dw_scratch(const ql_conv *cv, int images) {
    (void) images;
    int ph, pw;
    plane_dims(&cv->s, &ph, &pw);
    size_t plane = (size_t) ph * (size_t) pw + QL_DW_SLACK;
    return 3 * QL_ALIGN + plane + ql_dw_tmp_bytes(cv->s.oh, cv->s.ow, ph, pw);
}

static void pad_plane(const ql_ops *ops, const ql_conv_spec *s, const uint8_t *x, int ph, int pw, uint8_t *p) {
    uint8_t zp = (uint8_t) s->xzp;
    /* Columns [c0, c1) of a padded row hold input columns [c0 - pl, c1 - pl). */
    int c0 = s->pl < 0 ? 0 : (s->pl > pw ? pw : s->pl);
    int c1 = s->pl + s->iw < pw ? s->pl + s->iw : pw;
    if (c1 < c0) c1 = c0;
    /* One fill of the whole plane and its slack, then one copy per input row (the level's copy_rows where it has one):
     * three calls per row (fill left, copy, fill right) cost more than the convolution on MobileNetV2's small planes,
     * and a third of it on the large ones. */
    memset(p, zp, (size_t) ph * pw + QL_DW_SLACK);
    int r0 = s->pt > 0 ? s->pt : 0, r1 = s->pt + s->ih < ph ? s->pt + s->ih : ph;
    if (r1 <= r0 || c1 <= c0) {
        return;
    }
    const uint8_t *src = x + (size_t) (r0 - s->pt) * s->iw + (c0 - s->pl);
    if (ops->copy_rows != NULL) {
        ops->copy_rows(src, r1 - r0, c1 - c0, (size_t) s->iw, p + (size_t) r0 * pw + c0, (size_t) pw);
        return;
    }
    for (int r = r0; r < r1; r++) {
        memcpy(p + (size_t) r * pw + c0, src + (size_t) (r - r0) * s->iw, (size_t) (c1 - c0));
    }
}

/* The plain loop: int32 row of accumulators, taps outer so the inner loop is a contiguous multiply-add. */
static void plane_generic(const ql_ops *ops, const ql_dw_plane *d) {
    int32_t *acc = (int32_t *) d->tmp;
    for (int oh = 0; oh < d->oh; oh++) {
        memset(acc, 0, sizeof(int32_t) * (size_t) d->ow);
        for (int i = 0; i < d->kh; i++) {
            const uint8_t *row = d->p + (size_t) (oh * d->sh + i * d->dh) * d->pw;
            for (int j = 0; j < d->kw; j++) {
                int32_t w = d->w[i * d->kw + j];
                const uint8_t *src = row + j * d->dw;
                for (int ow = 0; ow < d->ow; ow++) {
                    /* |w * x| <= 32,640: the product is exact; the sum wraps (unsigned) like Java's. */
                    acc[ow] = (int32_t) ((uint32_t) acc[ow] + (uint32_t) (w * src[(long) ow * d->sw]));
                }
            }
        }
        ops->requant_row(acc, d->ow, d->base, d->mult, d->rq, d->y + (size_t) oh * d->ow);
    }
}

/* As plane_generic, with Java's NaN semantics for a non-finite multiplier. */
static void plane_scalar_rq(const ql_dw_plane *d) {
    for (int oh = 0; oh < d->oh; oh++) {
        for (int ow = 0; ow < d->ow; ow++) {
            uint32_t acc = (uint32_t) d->base;
            for (int i = 0; i < d->kh; i++) {
                const uint8_t *row = d->p + (size_t) (oh * d->sh + i * d->dh) * d->pw + (size_t) ow * d->sw;
                for (int j = 0; j < d->kw; j++) {
                    acc += (uint32_t) (d->w[i * d->kw + j] * row[j * d->dw]);
                }
            }
            d->y[(size_t) oh * d->ow + ow] = ql_requant1((int32_t) acc, d->mult, d->rq);
        }
    }
}

void ql_dw_run(const ql_conv *cv, const uint8_t *x, int images, uint8_t *y, uint8_t *scratch) {
    const ql_conv_spec *s = &cv->s;
    int ph, pw;
    plane_dims(s, &ph, &pw);
    uint8_t *p = ql_align(scratch);
    uint8_t *tmp = ql_align(p + (size_t) ph * pw + QL_DW_SLACK);
    ql_rq rq = {s->yzp, s->lo, s->hi};
    size_t in_plane = (size_t) s->ih * s->iw, out_plane = (size_t) s->oh * s->ow;
    int taps = s->kh * s->kw;
    for (int b = 0; b < images; b++) {
        for (int ch = 0; ch < s->c; ch++) {
            size_t plane = (size_t) b * s->c + (size_t) ch;
            pad_plane(cv->ops, s, x + plane * in_plane, ph, pw, p);
            ql_dw_plane d = {p, pw, s->oh, s->ow, s->kh, s->kw, s->sh, s->sw, s->dh, s->dw,
                             cv->dw + (size_t) ch * taps, cv->offset[ch], cv->mult[ch], &rq,
                             y + plane * out_plane, tmp};
            if (!cv->finite) {
                plane_scalar_rq(&d);
            } else if (cv->ops->dw_plane == NULL || !cv->ops->dw_plane(&d)) {
                plane_generic(cv->ops, &d);
            }
        }
    }
}
