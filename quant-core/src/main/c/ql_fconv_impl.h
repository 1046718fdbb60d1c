/* The packed float Conv layer, shared by the GEMM path (ql_fconv.c) and the depthwise path (ql_fdepthwise.c). */
#ifndef QL_FCONV_IMPL_H
#define QL_FCONV_IMPL_H

#include "ql_float.h"

struct ql_fconv {
    const ql_fops *ops;
    ql_fconv_spec s;
    float lo, hi;
    int cg, mg, k;         /* per group: input channels, output channels, depth */
    int depthwise;         /* group == c == m > 1: the direct kernel, not the GEMM */
    int pointwise;         /* 1x1, stride 1, unpadded: the input planes are the GEMM's rows */
    int chunk_cols;        /* columns per packed activation chunk at most (a multiple of nr) */
    int kc;                /* packed: depth per k block (the whole k when it is not much deeper than KC) */
    int pixel_major;       /* a group-1 layer on a small plane: tile_px over [k][nr] panels of the weights */
    int px;                /* pixel-major: pixels per tile (of the flat plane when pointwise, else of an output row) */
    int direct_ok;         /* the direct path can address the phases (it runs when use_direct says it is cheaper) */
    int ph2, qw;           /* direct: rows and width of one stride phase of the padded input */
    size_t phase;          /* direct: floats of one phase, ph2 * qw */
    int *off_packed;       /* [k] q * nr: rows of a packed panel */
    int *off_direct;       /* [k] where row q = (ci, i, j) starts in the phases, relative to wide column 0 */
    size_t a_group;        /* floats of one group's weight panels */
    float *a;              /* [group][ceil(mg / mr)][k][mr] (GEMM path); pixel-major: [ceil(m / nr)][k][nr] */
    float *w;              /* [c][kh * kw] as given (depthwise path) */
    float *wc, *bc;        /* channel-blocked depthwise (when the level has dw_cblock): [blocks][kh * kw][16], [blocks][16] */
    int pw, strip;         /* channel-blocked depthwise: padded width the taps read, output rows per strip */
    float *bias;           /* [m], zeros when the layer has none (and past m, up to a whole panel of nr) */
};

/* Loads `channels` input planes at x into zero-padded stride phases at q (ql_fphases.c). */
void ql_fphases_load(const ql_fops *ops, const ql_fconv_spec *s, int channels, int ph2, int qw, size_t phase,
                     const float *x, float *q);

/* Sets up the depthwise path (the channel-blocked weights when the level has that kernel); 0 when out of memory. */
int ql_fdw_prepare(ql_fconv *cv);
size_t ql_fdw_scratch(const ql_fconv *cv, int images);
void ql_fdw_run(const ql_fconv *cv, const float *x, int images, float *y, float *scratch);

#endif
