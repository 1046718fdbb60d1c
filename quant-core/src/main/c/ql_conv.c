/*
 * QConv layers: weights packed once (per group, broadcast panels), then per call an implicit im2col that packs
 * a chunk of output columns straight into vector panels, the level's tiles over the whole depth k, and the
 * requantization fused into each tile's epilogue: no int32 matrix and no im2col matrix ever reach memory.
 *
 * Columns are global across the images of a call (column n = image n / HW, pixel n % HW), so small late layers
 * (7 x 7 = 49 pixels) still fill whole tiles at batch 32; a tile whose columns cross an image boundary or the end
 * goes through a small buffer.
 *
 * Small planes at small batches (ResNet-18's 14 x 14 and 7 x 7 layers at batch 1: 196 and 49 columns, which fill
 * 64-column tiles to 77%) take the pixel-row path instead: the transposed product, pixels as tile rows (6 at a time)
 * and output channels as the 64 vector columns, on the Gemm orientation's tiles (activations broadcast, weights as
 * vectors). The column matrix is packed once per call from the same implicit im2col rows, and the results, pixel
 * major, are transposed into the NCHW output at the end. Same products, same requantization: the same bytes.
 *
 * Where the level has the indirect tile (AVX512-VNNI), convs with a kernel window skip im2col altogether: the
 * channel-last path of ql_conv_nhwc.c takes them (ql_nhwc_pack at packing decides, ql_conv_run hands over).
 */
#include <stdlib.h>
#include <string.h>
#include "ql_conv_impl.h"
#include "ql_pack.h"
#include "ql_requant.h"

/* Bytes of packed activations per chunk: inside L2 (2 MiB on the machines measured) next to the weights panel. */
#define CHUNK_BYTES (512 * 1024)
/* Columns per chunk at most, so thin layers (k = 16) still get several chunks' worth of reuse of the weights. */
#define CHUNK_COLS_MAX 8192
/* Pixel-row path: the whole call's packed activations (columns x k bytes) stay in L2 next to one weights panel. */
#define ROWS_BYTES_MAX (1024 * 1024)
/* ... and only for deep layers: its packing and final transpose cost columns x (k + m) bytes against the tiles'
 * columns x k x m, and measured side by side (profiles alternated three times) the path won on ResNet-18's 14 x 14
 * and 7 x 7 layers (k = 2304, 4608: their 3 x 3 convs 10-15% faster) but lost on MobileNetV2's and SqueezeNet's small
 * planes (k <= 960: their 1 x 1 convs up to 50% slower). */
#define ROWS_MIN_DEPTH 1024

/*
 * The weights of the two pixel-major paths (pixel rows here, channel-last in ql_conv_nhwc.c), whose tiles take
 * output channels as vector columns: wt [kp][m] (k in the path's own order) packed into vector panels at *panels,
 * and the offsets and multipliers in panel lane order (cv->off_lanes, cv->mult_lanes, owned by the layer). 0 when
 * out of memory, with nothing allocated.
 */
int ql_conv_pack_pixel_major(ql_conv *cv, int kp, const int8_t *wt, uint8_t **panels) {
    const ql_ops *ops = cv->ops;
    int m = cv->s.m;
    size_t lanes = (size_t) ((m + ops->nr - 1) / ops->nr) * (size_t) ops->nr;
    uint8_t *b = aligned_alloc(QL_ALIGN, ql_round_up(ql_vec_bytes(ops, m, kp) + 1, QL_ALIGN));
    int32_t *off = malloc(sizeof(int32_t) * lanes);
    float *mult = malloc(sizeof(float) * lanes);
    if (b == NULL || off == NULL || mult == NULL) {
        free(b);
        free(off);
        free(mult);
        return 0;
    }
    ql_pack_vec_s8(ops, kp, m, wt, (size_t) m, b);
    ql_permute_cols_i32(ops, m, cv->offset, off);
    ql_permute_cols_f32(ops, m, cv->mult, mult);
    *panels = b;
    cv->off_lanes = off;
    cv->mult_lanes = mult;
    return 1;
}

/* The pixel-row path's weights, packed once; left NULL (the column path runs) where it does not apply. */
static void pack_pixel_rows(ql_conv *cv, const int8_t *w) {
    int m = cv->s.m, k = cv->k;
    if (cv->s.group != 1 || cv->ops->kgroup != 4 || !cv->finite) {
        return;
    }
    int8_t *wt = malloc((size_t) k * (size_t) m);
    if (wt == NULL) {
        return;
    }
    for (int ch = 0; ch < m; ch++) {
        for (int r = 0; r < k; r++) {
            wt[(size_t) r * m + ch] = w[(size_t) ch * k + r];
        }
    }
    ql_conv_pack_pixel_major(cv, k, wt, &cv->bvec);
    free(wt);
}

ql_conv *ql_conv_new(const ql_ops *ops, const ql_conv_spec *s, const int8_t *w, const int32_t *offset,
                     const float *mult) {
    ql_conv *cv = calloc(1, sizeof *cv);
    if (cv == NULL) {
        return NULL;
    }
    cv->ops = ops;
    cv->s = *s;
    cv->cg = s->c / s->group;
    cv->mg = s->m / s->group;
    cv->k = cv->cg * s->kh * s->kw;
    cv->kg = ql_kgroups(ops, cv->k);
    cv->finite = ql_all_finite(mult, s->m);
    cv->depthwise = s->group == s->c && s->m == s->c && s->group > 1;
    cv->offset = malloc(sizeof(int32_t) * (size_t) s->m);
    cv->mult = malloc(sizeof(float) * (size_t) s->m);
    if (cv->offset == NULL || cv->mult == NULL) {
        ql_conv_free(cv);
        return NULL;
    }
    memcpy(cv->offset, offset, sizeof(int32_t) * (size_t) s->m);
    memcpy(cv->mult, mult, sizeof(float) * (size_t) s->m);
    size_t wbytes = (size_t) s->m * (size_t) cv->k;
    if (cv->depthwise) {
        cv->dw = malloc(wbytes);
        if (cv->dw == NULL) {
            ql_conv_free(cv);
            return NULL;
        }
        memcpy(cv->dw, w, wbytes);
        return cv;
    }
    cv->a_group_bytes = ql_bcast_bytes(ops, cv->mg, cv->k);
    cv->a = aligned_alloc(QL_ALIGN, ql_round_up(cv->a_group_bytes * (size_t) s->group, QL_ALIGN));
    if (cv->a == NULL) {
        ql_conv_free(cv);
        return NULL;
    }
    for (int g = 0; g < s->group; g++) {
        ql_pack_bcast(ops, cv->mg, cv->k, (const uint8_t *) w + (size_t) g * cv->mg * cv->k, (size_t) cv->k, 1,
                      cv->a + (size_t) g * cv->a_group_bytes);
    }
    size_t per_col = (size_t) cv->kg * 4;
    size_t cols = CHUNK_BYTES / per_col / (size_t) ops->nr * (size_t) ops->nr;
    if (cols < (size_t) ops->nr) {
        cols = (size_t) ops->nr;
    }
    if (cols > CHUNK_COLS_MAX) {
        cols = CHUNK_COLS_MAX;
    }
    cv->chunk_cols = (int) cols;
    if (!ql_nhwc_pack(cv, w)) {
        pack_pixel_rows(cv, w);
    }
    return cv;
}

void ql_conv_free(ql_conv *cv) {
    if (cv == NULL) {
        return;
    }
    free(cv->a);
    free(cv->dw);
    free(cv->offset);
    free(cv->mult);
    free(cv->bvec);
    ql_nhwc_free(cv);
    free(cv->off_lanes);
    free(cv->mult_lanes);
    free(cv);
}

/*
 * Stride 2 x 2 layers first split every input plane into its stride phases, Q[rp][cp][a][b] = x[2a + rp][2b + cp]
 * (prows x pcols each, cells past the input read as the zero point), so that each im2col row reads one phase with
 * stride 1 instead of gathering every other byte; only the phases some tap reads are written (a 1x1 kernel without
 * padding reads one of the four).
 */
static int phased(const ql_conv *cv) {
    const ql_conv_spec *s = &cv->s;
    return s->sh == 2 && s->sw == 2;
}

/* Whether some tap reads row (or column) phase p: tap i reads input offset i * d - pad, in phase (i * d - pad) & 1.
 * A 1x1 stride-2 conv without padding reads only phase (0, 0): the other three are never written. */
static int phase_read(int k, int d, int pad, int p) {
    for (int i = 0; i < k; i++) {
        if (((i * d - pad) & 1) == p) {
            return 1;
        }
    }
    return 0;
}

static size_t phase_bytes(const ql_conv *cv, int images) {
    if (!phased(cv)) {
        return 0;
    }
    size_t prows = ((size_t) cv->s.ih + 1) / 2, pcols = ((size_t) cv->s.iw + 1) / 2;
    return (size_t) images * (size_t) cv->s.c * 4 * prows * pcols;
}

static void split_phases(const ql_conv *cv, const uint8_t *x, int images, uint8_t *q) {
    const ql_conv_spec *s = &cv->s;
    int prows = (s->ih + 1) / 2, pcols = (s->iw + 1) / 2, half = s->iw / 2;
    size_t pplane = (size_t) prows * (size_t) pcols;
    uint8_t zp = (uint8_t) s->xzp;
    /* Only the phases some tap reads are written (im2col never looks at the others). */
    int rows_read[2] = {phase_read(s->kh, s->dh, s->pt, 0), phase_read(s->kh, s->dh, s->pt, 1)};
    int odd_cols = phase_read(s->kw, s->dw, s->pl, 1);
    for (long plane = 0; plane < (long) images * s->c; plane++) {
        const uint8_t *in = x + (size_t) plane * (size_t) s->ih * (size_t) s->iw;
        uint8_t *out = q + (size_t) plane * 4 * pplane;
        for (int r = 0; r < s->ih; r++) {
            if (!rows_read[r & 1]) {
                continue;
            }
            const uint8_t *src = in + (size_t) r * (size_t) s->iw;
            uint8_t *e = out + (size_t) ((r & 1) * 2) * pplane + (size_t) (r >> 1) * (size_t) pcols, *o = e + pplane;
            if (odd_cols) {
                for (int c = 0; c < half; c++) {  /* gcc vectorises this even/odd split */
                    e[c] = src[2 * c];
                    o[c] = src[2 * c + 1];
                }
            } else {
                for (int c = 0; c < half; c++) {
                    e[c] = src[2 * c];
                }
            }
            if (s->iw & 1) {
                e[pcols - 1] = src[s->iw - 1];
                if (odd_cols) {
                    o[pcols - 1] = zp;
                }
            }
        }
        if ((s->ih & 1) && rows_read[1]) {  /* the odd row phases are one row short */
            memset(out + 2 * pplane + (size_t) (prows - 1) * pcols, zp, (size_t) pcols);
            memset(out + 3 * pplane + (size_t) (prows - 1) * pcols, zp, (size_t) pcols);
        }
    }
}

/* Chunk columns for a call: never more than the call's columns, rounded up to whole panels. */
static int chunk_cols(const ql_conv *cv, long columns) {
    long nr = cv->ops->nr, padded = (columns + nr - 1) / nr * nr;
    return (int) (padded < cv->chunk_cols ? padded : cv->chunk_cols);
}

/*
 * Whether a call of `columns` columns takes the pixel-row path: a deep layer whose tiles there do less than 90% of
 * the column path's work (both count whole tiles: rows rounded up to mr, columns to nr), packed activations that fit.
 */
static int pixel_rows(const ql_conv *cv, long columns) {
    if (cv->bvec == NULL || cv->k < ROWS_MIN_DEPTH) {
        return 0;
    }
    long mr = cv->ops->mr, nr = cv->ops->nr, m = cv->s.m;
    long blocks = (columns + mr - 1) / mr;
    if (blocks * mr * (long) cv->kg * 4 > ROWS_BYTES_MAX) {
        return 0;
    }
    double col_work = (double) ((m + mr - 1) / mr * mr) * (double) ((columns + nr - 1) / nr * nr);
    double row_work = (double) ((m + nr - 1) / nr * nr) * (double) (blocks * mr);
    return row_work < 0.9 * col_work;
}

static size_t pixel_rows_scratch(const ql_conv *cv, int images) {
    const ql_ops *ops = cv->ops;
    long columns = (long) images * cv->s.oh * cv->s.ow;
    size_t ncp = (size_t) ((columns + ops->nr - 1) / ops->nr * ops->nr);
    size_t blocks = (size_t) ((columns + ops->mr - 1) / ops->mr);
    size_t apack = blocks * (size_t) cv->kg * (size_t) ops->mr * 4;
    return 6 * QL_ALIGN + apack + 5 * ncp + (size_t) columns * (size_t) cv->s.m + (size_t) ops->mr * (size_t) ops->nr * 4
           + blocks * (size_t) ops->mr * 4 + phase_bytes(cv, images);
}

size_t ql_conv_scratch(const ql_conv *cv, int images) {
    if (cv->depthwise) {
        return ql_dw_scratch(cv, images);
    }
    if (ql_nhwc_takes(cv)) {
        return ql_nhwc_scratch(cv, images);
    }
    if (pixel_rows(cv, (long) images * cv->s.oh * cv->s.ow)) {
        return pixel_rows_scratch(cv, images);
    }
    const ql_ops *ops = cv->ops;
    size_t nc = (size_t) chunk_cols(cv, (long) images * cv->s.oh * cv->s.ow);
    size_t b = (size_t) cv->kg * 4 * nc;                   /* packed chunk */
    size_t rows = 5 * nc;                                  /* up to 4 assembled rows and a zero row */
    size_t tile = (size_t) ops->mr * (size_t) ops->nr * 4; /* one tile of int32 (or bytes) */
    return 5 * QL_ALIGN + b + rows + tile + phase_bytes(cv, images);
}

/* ---- the implicit im2col: one row of the column matrix for the chunk's columns ---- */

typedef struct {
    const ql_conv *cv;
    const uint8_t *x;   /* the group's first input channel of image 0 */
    size_t image_stride;
    long n0;            /* first global column of the chunk */
    int nc, ncp;        /* columns, and columns rounded up to whole panels */
    const uint8_t *q;   /* stride 2 x 2: the group's first input channel's phases of image 0 (split_phases) */
    size_t q_image;     /* bytes of one image's phases */
} im2col_ctx;

/*
 * Row (ci, i, j) of a stride-1 conv whose output is the input's size ("same" padding, e.g. every 3 x 3 conv of
 * ResNet-18 and SqueezeNet): output pixel t of a plane reads input pixel t + rs * iw + cs of the same flat plane,
 * except in rows whose input row is outside the plane and in the |cs| edge columns, whose flat neighbour is the
 * previous or next row's end: those read the zero point. So a chunk's run within one image is one copy and a
 * fix-up of |cs| bytes per output row, where the general path makes three calls (fill, copy, fill) per output row.
 */
static const uint8_t *shifted_row(const im2col_ctx *ctx, const uint8_t *base, size_t image_stride, int rs, int cs,
                                  uint8_t *tmp) {
    const ql_conv_spec *s = &ctx->cv->s;
    long w = s->ow, hw = (long) s->oh * w;
    uint8_t zp = (uint8_t) s->xzp;
    long n = ctx->n0, end = ctx->n0 + ctx->nc;
    uint8_t *d = tmp;
    /* output rows whose input row oh + rs lies in [0, oh): [row_lo, row_hi) */
    long row_lo = rs < 0 ? -rs : 0, row_hi = rs > 0 ? s->oh - rs : s->oh;
    if (row_hi < row_lo) row_hi = row_lo;
    while (n < end) {
        long img = n / hw, p = n % hw;
        long len = hw - p < end - n ? hw - p : end - n;
        const uint8_t *plane = base + (size_t) img * image_stride;
        /* [t0, t1): the run's outputs whose input row exists, within [p, p + len) (empty runs sit at an end) */
        long t0 = row_lo * w > p ? row_lo * w : p, t1 = row_hi * w < p + len ? row_hi * w : p + len;
        if (t0 > p + len) t0 = p + len;
        if (t1 < t0) t1 = t0;
        /* [c0, c1): the part of [t0, t1) whose source t + shift lies inside the plane. Only the first row's left or
         * the last row's right |cs| edge columns fall outside: the fix-up below writes the zero point there anyway,
         * but reading them would touch a byte before or after the plane (past the input's end in the last one). */
        long shift = rs * w + cs;
        long c0 = t0 > -shift ? t0 : -shift, c1 = t1 < hw - shift ? t1 : hw - shift;
        if (c0 > t1) c0 = t1;
        if (c1 < c0) c1 = c0;
        memset(d, zp, (size_t) (c0 - p));
        memcpy(d + (c0 - p), plane + c0 + shift, (size_t) (c1 - c0));
        memset(d + (c1 - p), zp, (size_t) (p + len - c1));
        if (cs != 0 && t1 > t0) {
            /* the edge columns of the copied rows: [0, -cs) on the left, [w - cs, w) on the right */
            long c_lo = cs < 0 ? 0 : w - cs, c_hi = cs < 0 ? -cs : w;
            if (c_lo < 0) c_lo = 0;
            if (c_hi > w) c_hi = w;
            for (long row = t0 / w; row * w < t1; row++) {
                long a = row * w + c_lo, b = row * w + c_hi;
                if (a < t0) a = t0;
                if (b > t1) b = t1;
                for (long t = a; t < b; t++) d[t - p] = zp;
            }
        }
        d += len;
        n += len;
    }
    memset(d, zp, (size_t) (ctx->ncp - ctx->nc));
    return tmp;
}

/*
 * One input channel as im2col reads it: output (oh, ow) of image img reads row oh * row_step + row_off and column
 * ow * col_step + col_off of the rows x cols plane at base + img * image_stride (row stride cols), or the zero point
 * where that row or column lies outside the plane. The channel itself (col_step = the stride) and, for stride 2 x 2,
 * one of its split phases (col_step 1) are such views.
 */
typedef struct {
    const uint8_t *base;
    size_t image_stride;
    int rows, cols, row_step, row_off, col_step, col_off;
} im2col_view;

/* One im2col row of the chunk's columns from a view: per output row, one copy (or strided gather) of the columns
 * inside the plane and the zero point around it. */
static const uint8_t *gather_row(const im2col_ctx *ctx, const im2col_view *v, uint8_t *tmp) {
    const ql_conv_spec *s = &ctx->cv->s;
    long hw = (long) s->oh * s->ow;
    uint8_t zp = (uint8_t) s->xzp;
    /* Output columns whose input column lies inside [0, cols). */
    int ow_lo = v->col_off >= 0 ? 0 : (-v->col_off + v->col_step - 1) / v->col_step;
    int ow_hi = (v->cols - v->col_off + v->col_step - 1) / v->col_step;
    if (ow_lo > s->ow) ow_lo = s->ow;
    if (ow_hi > s->ow) ow_hi = s->ow;
    if (ow_hi < ow_lo) ow_hi = ow_lo;
    long n = ctx->n0, end = ctx->n0 + ctx->nc;
    uint8_t *d = tmp;
    while (n < end) {
        long img = n / hw, p = n % hw;
        int oh = (int) (p / s->ow), ow = (int) (p % s->ow);
        int len = s->ow - ow < end - n ? s->ow - ow : (int) (end - n);
        int row = oh * v->row_step + v->row_off;
        if (row < 0 || row >= v->rows) {
            memset(d, zp, (size_t) len);
        } else {
            const uint8_t *in = v->base + (size_t) img * v->image_stride + (size_t) row * (size_t) v->cols;
            /* [first, last) are the run's columns that read real input; the rest read padding. */
            int e = ow + len, first = ow < ow_lo ? ow_lo : ow, last = e < ow_hi ? e : ow_hi;
            if (first > e) first = e;
            if (last < first) last = first;
            memset(d, zp, (size_t) (first - ow));
            if (v->col_step == 1) {
                memcpy(d + (first - ow), in + first + v->col_off, (size_t) (last - first));
            } else {
                for (int q = first; q < last; q++) {
                    d[q - ow] = in[(long) q * v->col_step + v->col_off];
                }
            }
            memset(d + (last - ow), zp, (size_t) (e - last));
        }
        d += len;
        n += len;
    }
    memset(d, zp, (size_t) (ctx->ncp - ctx->nc));
    return tmp;
}

/* Floor division by 2 for possibly negative tap offsets. */
static inline int floor_half(int a) {
    return (a - (a & 1)) / 2;
}

static const uint8_t *im2col_row(void *vctx, int r, uint8_t *tmp) {
    const im2col_ctx *ctx = vctx;
    const ql_conv_spec *s = &ctx->cv->s;
    int khw = s->kh * s->kw, ci = r / khw, i = r / s->kw % s->kh, j = r % s->kw;
    long hw = (long) s->oh * s->ow, ihw = (long) s->ih * s->iw;
    int pointwise = khw == 1 && s->sh == 1 && s->sw == 1 && s->pt == 0 && s->pl == 0 && s->oh == s->ih
                    && s->ow == s->iw;
    long n = ctx->n0;
    if (pointwise && n / hw == (n + ctx->ncp - 1) / hw) {
        /* The whole padded chunk lies inside one channel plane: read it in place. */
        return ctx->x + (size_t) (n / hw) * ctx->image_stride + (size_t) ci * (size_t) ihw + (size_t) (n % hw);
    }
    if (s->sh == 1 && s->sw == 1 && s->oh == s->ih && s->ow == s->iw) {  /* includes pointwise chunks across planes */
        return shifted_row(ctx, ctx->x + (size_t) ci * (size_t) ihw, ctx->image_stride, i * s->dh - s->pt,
                           j * s->dw - s->pl, tmp);
    }
    int a = i * s->dh - s->pt, b = j * s->dw - s->pl;
    if (ctx->q != NULL) {
        /* stride 2 x 2: input (2 oh + a, 2 ow + b) is phase (a & 1, b & 1) at (oh + floor(a/2), ow + floor(b/2)) */
        int prows = (s->ih + 1) / 2, pcols = (s->iw + 1) / 2;
        const uint8_t *phase = ctx->q + ((size_t) ci * 4 + (size_t) ((a & 1) * 2 + (b & 1))) * (size_t) prows * (size_t) pcols;
        if (prows == s->oh && pcols == s->ow) {
            /* phases of the output's size (ResNet's 3 x 3 s2 p1 and 7 x 7 s2 p3 on even planes): a shifted copy, as
             * stride 1 "same" convs, instead of a copy and two fills per output row (half these layers' time) */
            return shifted_row(ctx, phase, ctx->q_image, floor_half(a), floor_half(b), tmp);
        }
        im2col_view v = {phase, ctx->q_image, prows, pcols, 1, floor_half(a), 1, floor_half(b)};
        return gather_row(ctx, &v, tmp);
    }
    im2col_view v = {ctx->x + (size_t) ci * (size_t) ihw, ctx->image_stride, s->ih, s->iw, s->sh, a, s->sw, b};
    return gather_row(ctx, &v, tmp);
}

/* ---- output ---- */

/* Writes `cols` bytes of one channel's tile row, starting at global column n, into y, across image ends. */
static void scatter_row(const ql_conv *cv, uint8_t *y, int ch, long n, const uint8_t *src, int cols) {
    long hw = (long) cv->s.oh * cv->s.ow;
    while (cols > 0) {
        long img = n / hw, p = n % hw;
        int len = hw - p < cols ? (int) (hw - p) : cols;
        memcpy(y + ((size_t) img * cv->s.m + (size_t) ch) * (size_t) hw + (size_t) p, src, (size_t) len);
        src += len;
        n += len;
        cols -= len;
    }
}

/* One tile (rows channels from ch, columns from global column n, `cols` valid) of a chunk. */
static void tile(const ql_conv *cv, const uint8_t *a, const uint8_t *b, int rows, int ch, long n, int cols,
                 uint8_t *y, uint8_t *buf) {
    const ql_ops *ops = cv->ops;
    const ql_conv_spec *s = &cv->s;
    long hw = (long) s->oh * s->ow;
    ql_rq rq = {s->yzp, s->lo, s->hi};
    if (!cv->finite) {
        /* A non-finite multiplier: int32 tile, then the scalar rule with Java's NaN semantics. */
        int32_t *acc = (int32_t *) buf;
        uint8_t row[256];
        ops->tile_s8u8_i32(cv->kg, a, b, rows, acc, (size_t) ops->nr, cols);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                row[j] = ql_requant1(ql_wrap_add(acc[r * ops->nr + j], cv->offset[ch + r]), cv->mult[ch + r], &rq);
            }
            scatter_row(cv, y, ch + r, n, row, cols);
        }
        return;
    }
    long p = n % hw;
    if (cols == ops->nr && p + cols <= hw) {
        uint8_t *dst = y + ((size_t) (n / hw) * s->m + (size_t) ch) * (size_t) hw + (size_t) p;
        ops->tile_s8u8_rq(cv->kg, a, b, rows, cv->offset + ch, cv->mult + ch, &rq, dst, (size_t) hw);
        return;
    }
    ops->tile_s8u8_rq(cv->kg, a, b, rows, cv->offset + ch, cv->mult + ch, &rq, buf, (size_t) ops->nr);
    for (int r = 0; r < rows; r++) {
        scatter_row(cv, y, ch + r, n, buf + (size_t) r * ops->nr, cols);
    }
}

/* The pixel-row path (see the top of this file): one group, kgroup 4, finite multipliers. */
static void run_pixel_rows(const ql_conv *cv, const uint8_t *x, int images, uint8_t *y, uint8_t *scratch) {
    const ql_ops *ops = cv->ops;
    const ql_conv_spec *s = &cv->s;
    long columns = (long) images * s->oh * s->ow, hw = (long) s->oh * s->ow;
    int mr = ops->mr, nr = ops->nr, m = s->m;
    int ncp = (int) ((columns + nr - 1) / nr * nr);
    long blocks = (columns + mr - 1) / mr;
    size_t apanel = (size_t) cv->kg * (size_t) mr * 4;
    uint8_t *apack = ql_align(scratch);
    uint8_t *rows = ql_align(apack + (size_t) blocks * apanel);
    uint8_t *zero = rows + 4 * (size_t) ncp;
    uint8_t *out = ql_align(zero + ncp);  /* [columns][m]: the results, pixel major */
    uint8_t *buf = ql_align(out + (size_t) columns * (size_t) m);
    uint32_t *words = (uint32_t *) ql_align(buf + (size_t) mr * (size_t) nr * 4);  /* [blocks * mr] */
    uint8_t *q = phased(cv) ? ql_align((uint8_t *) (words + blocks * mr)) : NULL;
    if (q != NULL) {
        split_phases(cv, x, images, q);
    }
    memset(zero, 0, (size_t) ncp);  /* k rows past the depth: their weights are zero too */
    memset(words + columns, 0, sizeof(uint32_t) * (size_t) (blocks * mr - columns));  /* the last block's missing pixels */
    im2col_ctx ctx = {cv, x, (size_t) s->c * s->ih * s->iw, 0, (int) columns, ncp, q, phase_bytes(cv, 1)};
    /* Broadcast panels [block][kg][mr][4]: lane (block, q, r) holds k values 4q..4q+3 of pixel block * mr + r.
     * Each k group's four rows are interleaved into one 32-bit word per pixel (a loop gcc vectorises), then copied
     * mr words at a time into the blocks. */
    for (int g4 = 0; g4 < cv->kg; g4++) {
        const uint8_t *r[4];
        for (int t = 0; t < 4; t++) {
            int kr = 4 * g4 + t;
            r[t] = kr < cv->k ? im2col_row(&ctx, kr, rows + (size_t) t * ncp) : zero;
        }
        for (long p = 0; p < columns; p++) {
            words[p] = (uint32_t) r[0][p] | (uint32_t) r[1][p] << 8 | (uint32_t) r[2][p] << 16 | (uint32_t) r[3][p] << 24;
        }
        uint32_t *dst = (uint32_t *) (apack + (size_t) g4 * (size_t) mr * 4);
        for (long blk = 0; blk < blocks; blk++) {
            for (int t = 0; t < mr; t++) {
                dst[(size_t) blk * (apanel / 4) + (size_t) t] = words[blk * mr + t];
            }
        }
    }
    ql_rq rq = {s->yzp, s->lo, s->hi};
    ql_u8s8_rq_rows(ops, cv->kg, (int) columns, m, apack, cv->bvec, cv->off_lanes, cv->mult_lanes, &rq, out, (size_t) m,
                    buf);
    /* [columns][m] -> [image][m][hw], 16 pixels of one image at a time: their rows stay in L1 while each channel
     * gets 16 contiguous bytes. */
    for (long p0 = 0; p0 < columns; p0 += 16) {
        long img = p0 / hw, pix = p0 % hw;
        int len = (int) (hw - pix < 16 ? hw - pix : 16);
        if (columns - p0 < len) len = (int) (columns - p0);
        const uint8_t *o = out + (size_t) p0 * m;
        uint8_t *d = y + (size_t) img * (size_t) m * (size_t) hw + (size_t) pix;
        for (int ch = 0; ch < m; ch++) {
            uint8_t *dc = d + (size_t) ch * (size_t) hw;
            for (int t = 0; t < len; t++) {
                dc[t] = o[(size_t) t * m + ch];
            }
        }
        p0 += len - 16;  /* an image end inside the 16: the next run starts at the next image */
    }
}

void ql_conv_run(const ql_conv *cv, const uint8_t *x, int images, uint8_t *y, uint8_t *scratch) {
    if (cv->depthwise) {
        ql_dw_run(cv, x, images, y, scratch);
        return;
    }
    if (ql_nhwc_takes(cv)) {
        ql_nhwc_run(cv, x, images, y, scratch);
        return;
    }
    if (pixel_rows(cv, (long) images * cv->s.oh * cv->s.ow)) {
        run_pixel_rows(cv, x, images, y, scratch);
        return;
    }
    const ql_ops *ops = cv->ops;
    const ql_conv_spec *s = &cv->s;
    long columns = (long) images * s->oh * s->ow;
    int nc_max = chunk_cols(cv, columns);
    uint8_t *bpack = ql_align(scratch);
    uint8_t *rows = ql_align(bpack + (size_t) cv->kg * 4 * (size_t) nc_max);
    uint8_t *zero = rows + 4 * (size_t) nc_max;
    uint8_t *buf = ql_align(zero + nc_max);
    uint8_t *q = phased(cv) ? ql_align(buf + (size_t) ops->mr * (size_t) ops->nr * 4) : NULL;
    size_t q_image = phase_bytes(cv, 1);
    if (q != NULL) {
        split_phases(cv, x, images, q);
    }
    memset(zero, 0, (size_t) nc_max);
    size_t panel_bytes = (size_t) cv->kg * (size_t) ops->nr * 4;
    size_t apanel_bytes = (size_t) cv->kg * (size_t) ops->mr * 4;
    for (int g = 0; g < s->group; g++) {
        const uint8_t *ag = cv->a + (size_t) g * cv->a_group_bytes;
        im2col_ctx ctx = {cv, x + (size_t) g * cv->cg * s->ih * s->iw, (size_t) s->c * s->ih * s->iw, 0, 0, 0,
                          q == NULL ? NULL : q + (size_t) g * (size_t) cv->cg * (q_image / (size_t) s->c), q_image};
        for (long n0 = 0; n0 < columns; n0 += nc_max) {
            int nc = columns - n0 < nc_max ? (int) (columns - n0) : nc_max;
            int npanels = (nc + ops->nr - 1) / ops->nr;
            ctx.n0 = n0;
            ctx.nc = nc;
            ctx.ncp = npanels * ops->nr;
            ql_pack_vec_rows(ops, cv->k, npanels, im2col_row, &ctx, rows, zero, bpack);
            /* Weights panel outer: it stays in L1 while the chunk's panels stream from L2. */
            for (int m0 = 0; m0 < cv->mg; m0 += ops->mr) {
                int mrows = cv->mg - m0 < ops->mr ? cv->mg - m0 : ops->mr;
                const uint8_t *a = ag + (size_t) (m0 / ops->mr) * apanel_bytes;
                for (int p = 0; p < npanels; p++) {
                    int cols = nc - p * ops->nr < ops->nr ? nc - p * ops->nr : ops->nr;
                    tile(cv, a, bpack + (size_t) p * panel_bytes, mrows, g * cv->mg + m0, n0 + (long) p * ops->nr,
                         cols, y, buf);
                }
            }
        }
    }
}
