/* The packed QConv layer, shared by the GEMM path (ql_conv.c) and the depthwise path (ql_depthwise.c). */
#ifndef QL_CONV_IMPL_H
#define QL_CONV_IMPL_H

#include "ql_int8.h"

struct ql_conv {
    const ql_ops *ops;
    ql_conv_spec s;
    int cg, mg, k, kg;     /* per group: input channels, output channels, depth, depth in k groups */
    int finite;            /* every multiplier finite: the vector epilogues apply */
    int depthwise;         /* group == c == m: the direct kernel, not the GEMM */
    int chunk_cols;        /* columns per packed activation chunk at most */
    size_t a_group_bytes;  /* broadcast panels of one group's weights */
    uint8_t *a;            /* [group] broadcast panels (GEMM path) */
    int8_t *dw;            /* [c][kh * kw] weights as given (depthwise path) */
    int32_t *offset;       /* [m] bias - xzp * sum(weights) */
    float *mult;           /* [m] */
    /* The pixel-row path (small planes, ql_conv.c): weights as vector panels [k x m]. NULL where it does not apply
     * (groups, kgroup 2, a non-finite multiplier, or the channel-last path takes the layer). */
    uint8_t *bvec;
    /* The channel-last path (ql_conv_nhwc.c): weights as vector panels [kh * kw * cp x m], k in (tap, channel)
     * order, channels rounded up to cp (a multiple of 4); per tap, its byte offset in the padded NHWC input. NULL
     * where it does not apply. */
    uint8_t *nhwc_b;
    int32_t *nhwc_toff;
    int nhwc_cp;
    /* Either path (at most one is packed): the offsets and multipliers in panel lane order. */
    int32_t *off_lanes;
    float *mult_lanes;
};

/* The pixel-major paths' weights as vector panels and their lane-order offsets (ql_conv.c); 0 when out of memory. */
int ql_conv_pack_pixel_major(ql_conv *cv, int kp, const int8_t *wt, uint8_t **panels);

/* The channel-last path: packs the layer when it applies (1, else 0 and nothing allocated), whether it took the layer,
 * its scratch and its run. */
int ql_nhwc_pack(ql_conv *cv, const int8_t *w);
int ql_nhwc_takes(const ql_conv *cv);
void ql_nhwc_free(ql_conv *cv);
size_t ql_nhwc_scratch(const ql_conv *cv, int images);
void ql_nhwc_run(const ql_conv *cv, const uint8_t *x, int images, uint8_t *y, uint8_t *scratch);

size_t ql_dw_scratch(const ql_conv *cv, int images);
void ql_dw_run(const ql_conv *cv, const uint8_t *x, int images, uint8_t *y, uint8_t *scratch);

#endif
