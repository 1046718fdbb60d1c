/*
 * Float Conv layers, shaped like the int8 ones (ql_conv.c): weights packed once per layer into the level's
 * broadcast panels ([k][mr] per mr output channels), the level's tiles over the depth, and bias + clamp fused into
 * each tile's epilogue. The tile reads activation row q at b + off[q], so the activations reach it one of two ways,
 * chosen per call by the tile work each would do (use_direct):
 *
 * - direct: per image, the group's input is copied once into zero-padded sh x sw stride phases (ql_fphases.c; for
 *   a 1x1 stride-1 unpadded conv, the input itself is read). Output (oh, ow) is "wide column" t = oh * qw + ow of
 *   rows qw = ceil(padded width / sw) wide, and GEMM row q = (ci, i, j) is the phases read from a fixed offset
 *   off[q]: no im2col at all. The wide columns ow >= oh are computed and dropped (2 of 58 for a 56 x 56 3x3
 *   conv). Packing measured about 30% of a 64-channel 3x3 conv's time; the phase copy is one pass over the input.
 * - packed (small planes at large batches, e.g. 7 x 7 at batch 32, where wide rows would waste 2 of 9 columns): an
 *   implicit im2col packs chunks of output columns, global across the images of a call, into [k][nr] panels.
 * - pixel-major (levels with tile_px and transpose, AVX-512; planes of at most 256 pixels, chosen once per layer):
 *   the roles swap. Pixels are broadcast from the input (pointwise) or its phases (read at off_direct, as direct
 *   does), output channels are the vectors of [k][nr] weight panels, and each tile's pixel-major result is
 *   transposed into the planes. A tile is at most mr pixels of one output row (or of the flat plane, pointwise), so
 *   a 7 x 7 or 13 x 13 plane wastes no lanes, where the column tiles cover 49 columns as 48 + 1.
 *
 * Deep layers are split into k blocks (KC): the partial sums go through a buffer and resume in the next block's
 * accumulators, the same chain of fused multiply-adds. Every output is therefore bias + one k-ordered chain
 * whatever the path, the k blocking, the chunk, the batch or a column's position: all paths give the same bits.
 */
#include <stdlib.h>
#include <string.h>
#include "ql_fconv_impl.h"

/* Floats of packed activations per chunk: inside L2 next to the weights. */
#define CHUNK_FLOATS (128 * 1024)
/* Depth per k block of the packed path: a block of the weights panel (KC * mr floats, 16 KiB) stays in L1, and the
 * chunk's panels of the block (chunk columns are sized by it) in L2, however deep the layer (ResNet's k = 4608). */
#define KC 512
/* What packing costs the packed path, relative to its tiles (measured: about 15% on small planes). */
#define PACK_COST 1.15

/*
 * Pixel-major (tile_px) for pointwise layers on small planes, where the column tiles fill their 16-lane vectors
 * badly: a 7 x 7 plane is 48 + 1 columns, and the 1-column tile costs about as much as a full one. Measured with
 * scripts/float-conv-bench.sh on MobileNetV2's pointwise layers (C harness, best of 5, same binary), against the
 * column tiles: 7 x 7 planes 1.18-1.43x at batch 1 and 1.18-1.57x at batch 4; 14 x 14 planes 1.09-1.13x with
 * k >= 384 but 0.96-0.98x with k = 64-96 (the transpose back into planes weighs more on a short k loop). With a
 * kernel window, on planes up to 16 x 16: SqueezeNet's 3x3 expand convs on 13 x 13 1.31-1.68x, ResNet-18's 3x3
 * convs on 7 x 7 1.59x and on 14 x 14 1.08x, its stride-2 convs to 7 x 7 and 14 x 14 1.10-1.29x (batch 1; batch 4
 * the same within noise).
 */
#define PX_SMALL_HW 64
#define PX_MAX_HW 256
#define PX_MIN_K 256

static int use_pixel_major(const ql_fconv *cv) {
    const ql_fconv_spec *s = &cv->s;
    long hw = (long) s->oh * s->ow;
    if (s->group != 1 || cv->ops->tile_px == NULL || cv->ops->transpose == NULL || !cv->direct_ok) {
        return 0;
    }
    if (cv->pointwise) {
        return hw <= PX_SMALL_HW || (hw <= PX_MAX_HW && cv->k >= PX_MIN_K);
    }
    return hw <= PX_MAX_HW;
}

/* Pixels per tile_px tile: of mr / 2 .. mr, the one that wastes the fewest pixels on the plane (the larger on ties). */
static int pixel_tile(int hw, int mr) {
    int best = mr, waste = (hw + mr - 1) / mr * mr - hw;
    for (int p = mr - 1; p >= (mr + 1) / 2; p--) {
        int w = (hw + p - 1) / p * p - hw;
        if (w < waste) {
            best = p;
            waste = w;
        }
    }
    return best;
}

/* Pixel-major tiles per plane. */
static int px_tiles(const ql_fconv *cv) {
    const ql_fconv_spec *s = &cv->s;
    if (cv->pointwise) {
        return (s->oh * s->ow + cv->px - 1) / cv->px;
    }
    return s->oh * ((s->ow + cv->px - 1) / cv->px);
}

/* The weights as [ceil(m / nr)][k][nr] panels (output channels along the vectors, zeros past m): row q at
 * off_packed[q] = q * nr, the rows in the order of off_direct. */
static int pack_pixel_major(ql_fconv *cv, const float *w) {
    const ql_fops *ops = cv->ops;
    int nr = ops->nr, k = cv->k, m = cv->s.m, panels = (m + nr - 1) / nr;
    cv->pixel_major = 1;
    /* pointwise: tiles along the whole plane (its rows are contiguous); otherwise along each output row */
    cv->px = pixel_tile(cv->pointwise ? cv->s.oh * cv->s.ow : cv->s.ow, ops->mr);
    cv->a_group = (size_t) panels * (size_t) k * (size_t) nr;
    cv->a = aligned_alloc(QL_ALIGN, ql_round_up(sizeof(float) * cv->a_group, QL_ALIGN));
    if (cv->a == NULL) {
        return 0;
    }
    for (int p = 0; p < panels; p++) {
        for (int q = 0; q < k; q++) {
            float *row = cv->a + ((size_t) p * k + q) * nr;
            for (int c = 0; c < nr; c++) {
                int o = p * nr + c;
                row[c] = o < m ? w[(size_t) o * k + q] : 0.0f;
            }
        }
    }
    return 1;
}

ql_fconv *ql_fconv_new(const ql_fops *ops, const ql_fconv_spec *s, float lo, float hi, const float *w,
                       const float *bias) {
    ql_fconv *cv = calloc(1, sizeof *cv);
    if (cv == NULL) {
        return NULL;
    }
    cv->ops = ops;
    cv->s = *s;
    cv->lo = lo;
    cv->hi = hi;
    cv->cg = s->c / s->group;
    cv->mg = s->m / s->group;
    cv->k = cv->cg * s->kh * s->kw;
    cv->depthwise = s->group == s->c && s->m == s->c && s->group > 1;
    cv->pointwise = s->kh == 1 && s->kw == 1 && s->sh == 1 && s->sw == 1 && s->pt == 0 && s->pl == 0
                    && s->oh == s->ih && s->ow == s->iw;
    cv->bias = calloc(ql_round_up((size_t) s->m, (size_t) ops->nr), sizeof(float));
    if (cv->bias == NULL) {
        ql_fconv_free(cv);
        return NULL;
    }
    if (bias != NULL) {
        memcpy(cv->bias, bias, sizeof(float) * (size_t) s->m);
    }
    size_t wfloats = (size_t) s->m * (size_t) cv->k;
    if (cv->depthwise) {
        cv->w = malloc(sizeof(float) * wfloats);
        if (cv->w == NULL) {
            ql_fconv_free(cv);
            return NULL;
        }
        memcpy(cv->w, w, sizeof(float) * wfloats);
        if (!ql_fdw_prepare(cv)) {
            ql_fconv_free(cv);
            return NULL;
        }
        return cv;
    }
    int mr = ops->mr, panels = (cv->mg + mr - 1) / mr, k = cv->k;
    cv->off_packed = malloc(sizeof(int) * (size_t) k);
    cv->off_direct = malloc(sizeof(int) * (size_t) k);
    if (cv->off_packed == NULL || cv->off_direct == NULL) {
        ql_fconv_free(cv);
        return NULL;
    }
    int ph = (s->oh - 1) * s->sh + (s->kh - 1) * s->dh + 1;
    int pw = (s->ow - 1) * s->sw + (s->kw - 1) * s->dw + 1;
    cv->ph2 = (ph + s->sh - 1) / s->sh;
    cv->qw = cv->pointwise ? s->iw : (pw + s->sw - 1) / s->sw;
    cv->phase = cv->pointwise ? (size_t) s->ih * s->iw : (size_t) cv->ph2 * cv->qw;
    /* The phases of one group must be addressable with int offsets (the Java spec bounds the input itself). */
    size_t group_floats = (size_t) cv->cg * s->sh * s->sw * cv->phase;
    cv->direct_ok = group_floats < (size_t) 1 << 30;
    int khw = s->kh * s->kw;
    for (int q = 0; q < k; q++) {
        int ci = q / khw, ri = q / s->kw % s->kh * s->dh, cj = q % s->kw * s->dw;
        cv->off_packed[q] = q * ops->nr;
        cv->off_direct[q] = (int) ((size_t) (ci * s->sh * s->sw + (ri % s->sh) * s->sw + cj % s->sw) * cv->phase
                                   + (size_t) (ri / s->sh) * cv->qw + (size_t) (cj / s->sw));
    }
    cv->kc = k < KC + KC / 2 ? k : KC;
    if (use_pixel_major(cv)) {
        return pack_pixel_major(cv, w) ? cv : (ql_fconv_free(cv), NULL);
    }
    cv->a_group = (size_t) panels * (size_t) k * (size_t) mr;
    cv->a = aligned_alloc(QL_ALIGN, ql_round_up(sizeof(float) * cv->a_group * (size_t) s->group, QL_ALIGN));
    if (cv->a == NULL) {
        ql_fconv_free(cv);
        return NULL;
    }
    for (int g = 0; g < s->group; g++) {
        for (int p = 0; p < panels; p++) {
            float *panel = cv->a + (size_t) g * cv->a_group + (size_t) p * k * mr;
            for (int q = 0; q < k; q++) {
                for (int r = 0; r < mr; r++) {
                    int o = p * mr + r;
                    panel[(size_t) q * mr + r] = o < cv->mg ? w[((size_t) g * cv->mg + o) * k + q] : 0.0f;
                }
            }
        }
    }
    size_t cols = CHUNK_FLOATS / (size_t) cv->kc / (size_t) ops->nr * (size_t) ops->nr;
    if (cols < (size_t) ops->nr) {
        cols = (size_t) ops->nr;
    }
    cv->chunk_cols = (int) cols;
    return cv;
}

void ql_fconv_free(ql_fconv *cv) {
    if (cv == NULL) {
        return;
    }
    free(cv->a);
    free(cv->w);
    free(cv->wc);
    free(cv->bc);
    free(cv->bias);
    free(cv->off_packed);
    free(cv->off_direct);
    free(cv);
}

/* Chunk columns for a call: never more than the call's columns, rounded up to whole panels. */
static int chunk_cols(const ql_fconv *cv, long columns) {
    long nr = cv->ops->nr, padded = (columns + nr - 1) / nr * nr;
    return (int) (padded < cv->chunk_cols ? padded : cv->chunk_cols);
}

/*
 * Direct or packed, per call: vectors of tile work each path computes (direct: every image's wide columns; packed:
 * the real columns of the whole batch, plus the packing). Both paths give the same bits, so the choice never shows.
 */
static int use_direct(const ql_fconv *cv, int images) {
    if (!cv->direct_ok) {
        return 0;
    }
    const ql_fconv_spec *s = &cv->s;
    long vl = cv->ops->vl, wide = (long) (s->oh - 1) * cv->qw + s->ow, hw = (long) s->oh * s->ow;
    double direct = (double) images * (double) ((wide + vl - 1) / vl);
    double packed = (double) (((long) images * hw + vl - 1) / vl) * PACK_COST;
    return direct <= packed;
}

/* Floats read past the last phase by the dropped wide columns of the last tile: up to a tile width. */
static size_t direct_slack(const ql_fconv *cv) {
    return (size_t) cv->ops->nr + (size_t) cv->qw + 16;
}

size_t ql_fconv_scratch(const ql_fconv *cv, int images) {
    if (cv->depthwise) {
        return ql_fdw_scratch(cv, images);
    }
    const ql_fops *ops = cv->ops;
    size_t align = QL_ALIGN / sizeof(float);
    size_t tile = (size_t) ops->mr * (size_t) ops->nr;     /* a tile's output, before it is scattered */
    if (cv->pixel_major) {
        /* the phases (none when pointwise), a tile's output and, when k is blocked, the partial sums of a panel's tiles */
        size_t phases = cv->pointwise ? 0 : (size_t) cv->cg * cv->s.sh * cv->s.sw * cv->phase;
        size_t part = cv->kc < cv->k ? (size_t) px_tiles(cv) * tile : 0;
        return 3 * align + phases + tile + part;
    }
    if (use_direct(cv, images)) {
        /* the phases (or, pointwise, a packed last panel), a tile's output and a tile's partial sums */
        size_t phases = cv->pointwise ? (size_t) cv->k * ops->nr
                                      : (size_t) cv->cg * cv->s.sh * cv->s.sw * cv->phase + direct_slack(cv);
        return 4 * align + phases + 2 * tile;
    }
    size_t nc = (size_t) chunk_cols(cv, (long) images * cv->s.oh * cv->s.ow);
    size_t part = cv->kc < cv->k ? ql_round_up((size_t) cv->mg, (size_t) ops->mr) * nc : 0;
    return 5 * align + (size_t) cv->kc * nc + nc + tile + part;
}

/* ---- direct ---- */

/* One image and group: tiles over the wide columns [0, wide), their real outputs copied to y (channel plane
 * stride hw, the group's first channel at y, its bias at bias). */
static void direct_image(const ql_fconv *cv, const float *ag, const float *bias, const float *src, const int *off,
                         float *y, float *buf, float *part, float *pack) {
    const ql_fops *ops = cv->ops;
    const ql_fconv_spec *s = &cv->s;
    int mr = ops->mr, nr = ops->nr, k = cv->k, kc = cv->kc, qw = cv->qw;
    long wide = (long) (s->oh - 1) * qw + s->ow, hw = (long) s->oh * s->ow;
    long tail = wide / nr * nr;  /* first column of a partial last tile */
    if (cv->pointwise && tail < wide) {
        /* In place, the partial last tile's vectors could read past the input: pack its columns instead. */
        int cols = (int) (wide - tail);
        for (int q = 0; q < k; q++) {
            memcpy(pack + (size_t) q * nr, src + off[q] + tail, sizeof(float) * (size_t) cols);
            memset(pack + (size_t) q * nr + cols, 0, sizeof(float) * (size_t) (nr - cols));
        }
    }
    /* Weights panel outer: it is read once per image (from memory, for deep layers at batch 1: ResNet-18's last
     * layers are 9 MiB each) and stays in L1/L2 across the image's tiles. */
    for (int m0 = 0; m0 < cv->mg; m0 += mr) {
        int rows = cv->mg - m0 < mr ? cv->mg - m0 : mr;
        const float *ap = ag + (size_t) (m0 / mr) * k * mr;
        float *yc = y + (size_t) m0 * hw;
        for (long t0 = 0; t0 < wide; t0 += nr) {
            int cols = wide - t0 < nr ? (int) (wide - t0) : nr;
            const float *b = src + t0;
            const int *o = off;
            if (cv->pointwise && t0 == tail) {
                b = pack;
                o = cv->off_packed;
            }
            /* no dropped columns: the epilogue writes straight into y */
            float *dst = qw == s->ow ? yc + t0 : buf;
            size_t ldd = qw == s->ow ? (size_t) hw : (size_t) nr;
            for (int k0 = 0; k0 < k; k0 += kc) {
                int kb = k - k0 < kc ? k - k0 : kc, last = k0 + kb == k;
                ops->tile(kb, ap + (size_t) k0 * mr, b, o + k0, rows, k0 == 0 ? NULL : part, (size_t) nr, last,
                          bias + m0, cv->lo, cv->hi, last ? dst : part, last ? ldd : (size_t) nr, cols);
            }
            if (qw == s->ow) {
                continue;
            }
            /* keep the wide columns t with t % qw < ow: output (t / qw, t % qw) */
            for (int r = 0; r < rows; r++) {
                const float *from = buf + (size_t) r * nr;
                float *to = yc + (size_t) r * hw;
                long t = t0, end = t0 + cols;
                while (t < end) {
                    long oh = t / qw, ow = t % qw;
                    if (ow >= s->ow) {
                        t += qw - ow;  /* a dropped column: on to the next row */
                        continue;
                    }
                    long run = s->ow - ow < end - t ? s->ow - ow : end - t;
                    memcpy(to + oh * s->ow + ow, from + (t - t0), sizeof(float) * (size_t) run);
                    t += run;
                }
            }
        }
    }
}

static void run_direct(const ql_fconv *cv, const float *x, int images, float *y, float *scratch) {
    const ql_fops *ops = cv->ops;
    const ql_fconv_spec *s = &cv->s;
    float *phases = ql_falign(scratch);
    size_t phase_floats = cv->pointwise ? (size_t) cv->k * ops->nr
                                        : (size_t) cv->cg * s->sh * s->sw * cv->phase + direct_slack(cv);
    float *buf = ql_falign(phases + phase_floats);
    float *part = ql_falign(buf + (size_t) ops->mr * ops->nr);
    size_t in_image = (size_t) s->c * s->ih * s->iw, out_image = (size_t) s->m * s->oh * s->ow;
    for (int img = 0; img < images; img++) {
        for (int g = 0; g < s->group; g++) {
            const float *xg = x + img * in_image + (size_t) g * cv->cg * s->ih * s->iw;
            float *yg = y + img * out_image + (size_t) g * cv->mg * s->oh * s->ow;
            const float *ag = cv->a + (size_t) g * cv->a_group;
            if (cv->pointwise) {
                direct_image(cv, ag, cv->bias + g * cv->mg, xg, cv->off_direct, yg, buf, part, phases);
            } else {
                ql_fphases_load(ops, s, cv->cg, cv->ph2, cv->qw, cv->phase, xg, phases);
                memset(phases + (size_t) cv->cg * s->sh * s->sw * cv->phase, 0, sizeof(float) * direct_slack(cv));
                direct_image(cv, ag, cv->bias + g * cv->mg, phases, cv->off_direct, yg, buf, part, NULL);
            }
        }
    }
}

/* ---- packed: the implicit im2col, one row of the column matrix for a chunk's columns ---- */

typedef struct {
    const ql_fconv *cv;
    const float *x;     /* the group's first input channel of image 0 */
    size_t image_stride;
    long n0;            /* first global column of the chunk */
    int nc, ncp;        /* columns, and columns rounded up to whole panels */
} im2col_ctx;

/* Inline copies for the im2col's runs, which are as short as a 7-pixel row: a libc call per run cost more than the
 * copy (a 512 x 4608 layer on 7 x 7 spent most of its time in memcpy/memset calls). */
static inline void copy_run(float *d, const float *s, long n) {
    for (long t = 0; t < n; t++) d[t] = s[t];
}

static inline void zero_run(float *d, long n) {
    for (long t = 0; t < n; t++) d[t] = 0.0f;
}

/* Row r of the chunk's column matrix (ncp readable floats, zero beyond nc), assembled in tmp. */
static const float *im2col_row(const im2col_ctx *ctx, int r, float *tmp) {
    const ql_fconv_spec *s = &ctx->cv->s;
    int khw = s->kh * s->kw, ci = r / khw, i = r / s->kw % s->kh, j = r % s->kw;
    long hw = (long) s->oh * s->ow, ihw = (long) s->ih * s->iw;
    long n = ctx->n0, end = ctx->n0 + ctx->nc;
    float *d = tmp;
    int col_shift = j * s->dw - s->pl;
    int ow_lo = col_shift >= 0 ? 0 : (-col_shift + s->sw - 1) / s->sw;
    int ow_hi = (s->iw - col_shift + s->sw - 1) / s->sw;
    if (ow_lo > s->ow) ow_lo = s->ow;
    if (ow_hi > s->ow) ow_hi = s->ow;
    if (ow_hi < ow_lo) ow_hi = ow_lo;
    while (n < end) {
        long img = n / hw, p = n % hw;
        const float *plane = ctx->x + (size_t) img * ctx->image_stride + (size_t) ci * (size_t) ihw;
        int oh = (int) (p / s->ow), ow = (int) (p % s->ow);
        int len = s->ow - ow < end - n ? s->ow - ow : (int) (end - n);
        int ih = oh * s->sh - s->pt + i * s->dh;
        if (ih < 0 || ih >= s->ih) {
            zero_run(d, len);
        } else {
            const float *in = plane + (size_t) ih * s->iw;
            /* [first, last) are the run's columns that read real input; the rest read padding. */
            int e = ow + len, first = ow < ow_lo ? ow_lo : ow, last = e < ow_hi ? e : ow_hi;
            if (first > e) first = e;
            if (last < first) last = first;
            zero_run(d, first - ow);
            if (s->sw == 1) {
                copy_run(d + (first - ow), in + first + col_shift, last - first);
            } else {
                for (int q = first; q < last; q++) {
                    d[q - ow] = in[(long) q * s->sw + col_shift];
                }
            }
            zero_run(d + (last - ow), e - last);
        }
        d += len;
        n += len;
    }
    zero_run(d, ctx->ncp - ctx->nc);
    return tmp;
}

/* Packs rows [k0, k0 + kb) of the chunk: row k0 + q's panel p is nr floats at bpack + (p * kb + q) * nr. */
static void pack_chunk(const im2col_ctx *ctx, int k0, int kb, int npanels, float *tmp, float *bpack) {
    int nr = ctx->cv->ops->nr;
    for (int q = 0; q < kb; q++) {
        const float *row = im2col_row(ctx, k0 + q, tmp);
        for (int p = 0; p < npanels; p++) {
            copy_run(bpack + ((size_t) p * kb + q) * nr, row + (size_t) p * nr, nr);
        }
    }
}

/* Writes `cols` floats of one channel's tile row, starting at global column n, into y, across image ends. */
static void scatter_row(const ql_fconv *cv, float *y, int ch, long n, const float *src, int cols) {
    long hw = (long) cv->s.oh * cv->s.ow;
    while (cols > 0) {
        long img = n / hw, p = n % hw;
        int len = hw - p < cols ? (int) (hw - p) : cols;
        memcpy(y + ((size_t) img * cv->s.m + (size_t) ch) * (size_t) hw + (size_t) p, src, sizeof(float) * (size_t) len);
        src += len;
        n += len;
        cols -= len;
    }
}

static void run_packed(const ql_fconv *cv, const float *x, int images, float *y, float *scratch) {
    const ql_fops *ops = cv->ops;
    const ql_fconv_spec *s = &cv->s;
    int mr = ops->mr, nr = ops->nr, k = cv->k, kc = cv->kc;
    long columns = (long) images * s->oh * s->ow, hw = (long) s->oh * s->ow;
    int nc_max = chunk_cols(cv, columns);
    float *bpack = ql_falign(scratch);
    float *tmp = ql_falign(bpack + (size_t) kc * nc_max);
    float *buf = ql_falign(tmp + nc_max);
    float *part = ql_falign(buf + (size_t) mr * nr);  /* [m0 / mr][p][mr][nr] partial sums, when k is blocked */
    for (int g = 0; g < s->group; g++) {
        const float *ag = cv->a + (size_t) g * cv->a_group;
        im2col_ctx ctx = {cv, x + (size_t) g * cv->cg * s->ih * s->iw, (size_t) s->c * s->ih * s->iw, 0, 0, 0};
        for (long n0 = 0; n0 < columns; n0 += nc_max) {
            int nc = columns - n0 < nc_max ? (int) (columns - n0) : nc_max;
            int npanels = (nc + nr - 1) / nr;
            ctx.n0 = n0;
            ctx.nc = nc;
            ctx.ncp = npanels * nr;
            for (int k0 = 0; k0 < k; k0 += kc) {
                int kb = k - k0 < kc ? k - k0 : kc, last = k0 + kb == k;
                pack_chunk(&ctx, k0, kb, npanels, tmp, bpack);
                /* Activation panel outer: its k block stays in L1/L2 while the weights' panels of the block stream
                 * past it (measured 5-10% faster than weights outer, on deep layers at batch 1 and 32). */
                for (int p = 0; p < npanels; p++) {
                    int cols = nc - p * nr < nr ? nc - p * nr : nr;
                    for (int m0 = 0; m0 < cv->mg; m0 += mr) {
                        int rows = cv->mg - m0 < mr ? cv->mg - m0 : mr;
                        int ch = g * cv->mg + m0;
                        const float *a = ag + ((size_t) (m0 / mr) * k + (size_t) k0) * mr;
                        long n = n0 + (long) p * nr, pix = n % hw;
                        const float *b = bpack + (size_t) p * kb * nr;
                        float *c = part + ((size_t) (m0 / mr) * npanels + (size_t) p) * mr * nr;
                        const float *cin = k0 == 0 ? NULL : c;
                        if (!last) {
                            ops->tile(kb, a, b, cv->off_packed, rows, cin, (size_t) nr, 0, NULL, 0.0f, 0.0f, c,
                                      (size_t) nr, cols);
                        } else if (pix + cols <= hw) {
                            float *dst = y + ((size_t) (n / hw) * s->m + (size_t) ch) * (size_t) hw + (size_t) pix;
                            ops->tile(kb, a, b, cv->off_packed, rows, cin, (size_t) nr, 1, cv->bias + ch, cv->lo,
                                      cv->hi, dst, (size_t) hw, cols);
                        } else {
                            ops->tile(kb, a, b, cv->off_packed, rows, cin, (size_t) nr, 1, cv->bias + ch, cv->lo,
                                      cv->hi, buf, (size_t) nr, cols);
                            for (int r = 0; r < rows; r++) {
                                scatter_row(cv, y, ch + r, n, buf + (size_t) r * nr, cols);
                            }
                        }
                    }
                }
            }
        }
    }
}

/* ---- pixel-major: per image, tile_px tiles of px pixels x nr output channels, transposed into the planes ---- */

static void run_pixel_major(const ql_fconv *cv, const float *x, int images, float *y, float *scratch) {
    const ql_fops *ops = cv->ops;
    const ql_fconv_spec *s = &cv->s;
    int nr = ops->nr, vl = ops->vl, k = cv->k, kc = cv->kc, m = s->m, px = cv->px, tiles = px_tiles(cv);
    size_t hw = (size_t) s->oh * s->ow, tile = (size_t) ops->mr * nr;
    float *phases = ql_falign(scratch);
    float *buf = ql_falign(phases + (cv->pointwise ? 0 : (size_t) cv->cg * s->sh * s->sw * cv->phase));
    float *part = ql_falign(buf + tile);
    for (int img = 0; img < images; img++) {
        const float *xi = x + (size_t) img * s->c * s->ih * s->iw;
        float *yi = y + (size_t) img * m * hw;
        if (!cv->pointwise) {
            ql_fphases_load(ops, s, cv->cg, cv->ph2, cv->qw, cv->phase, xi, phases);
            xi = phases;
        }
        /* weights panel outer: its k block stays in L1/L2 across the plane's tiles */
        for (int m0 = 0; m0 < m; m0 += nr) {
            int cols = m - m0 < nr ? m - m0 : nr, nv = (cols + vl - 1) / vl;
            const float *panel = cv->a + (size_t) (m0 / nr) * k * nr;
            for (int k0 = 0; k0 < k; k0 += kc) {
                int kb = k - k0 < kc ? k - k0 : kc, last = k0 + kb == k;
                for (int t = 0; t < tiles; t++) {
                    /* tile t: pointwise, px pixels of the flat plane; otherwise pixels [ow0, ow0 + n) of row oh */
                    size_t p0, wide;
                    int n;
                    if (cv->pointwise) {
                        p0 = wide = (size_t) t * px;
                        n = hw - p0 < (size_t) px ? (int) (hw - p0) : px;
                    } else {
                        int per_row = (s->ow + px - 1) / px, oh = t / per_row, ow0 = t % per_row * px;
                        p0 = (size_t) oh * s->ow + ow0;
                        wide = (size_t) oh * cv->qw + ow0;
                        n = s->ow - ow0 < px ? s->ow - ow0 : px;
                    }
                    float *pt = part + (size_t) t * tile;
                    ops->tile_px(kb, xi + wide, cv->off_direct + k0, panel, cv->off_packed + k0, n, nv,
                                 k0 == 0 ? NULL : pt, last, cv->bias + m0, cv->lo, cv->hi, last ? buf : pt,
                                 (size_t) nr);
                    if (last) {
                        ops->transpose(buf, (size_t) nr, n, cols, yi + (size_t) m0 * hw + p0, hw);
                    }
                }
            }
        }
    }
}

void ql_fconv_run(const ql_fconv *cv, const float *x, int images, float *y, float *scratch) {
    if (cv->pixel_major) {
        run_pixel_major(cv, x, images, y, scratch);
    } else if (cv->depthwise) {
        ql_fdw_run(cv, x, images, y, scratch);
    } else if (use_direct(cv, images)) {
        run_direct(cv, x, images, y, scratch);
    } else {
        run_packed(cv, x, images, y, scratch);
    }
}
