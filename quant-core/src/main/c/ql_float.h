/*
 * quantlake native fp32 convolution: shared types.
 *
 * Unlike the int8 kernels these are not bit-identical to the Java kernels (float sums are not associative), but
 * they are deterministic: every output is bias + sum over k of w * x, summed in one fixed order (k = 0, 1, ...,
 * one fused multiply-add per term), whatever the column's position in the batch, the chunk or the tile, and
 * whatever the level (zmm and ymm lanes do the same per-lane operations). The float engine's calibration relies
 * on that: the same image gives the same bits at any batch size.
 *
 * Re-entrant: packed layers are read-only after packing; per-call memory is the caller's scratch.
 */
#ifndef QL_FLOAT_H
#define QL_FLOAT_H

#include <stddef.h>
#include "ql_int8.h"

/* One output plane of a depthwise conv, read from the padded input split into its sh x sw stride phases:
 * phase (rp, cp) holds P[a * sh + rp][b * sw + cp] at q + (rp * sw + cp) * phase + a * qw + b, where P is the input
 * padded with zeros. Output (oh, ow) = clamp(bias + sum_ij w[i][j] * P[oh*sh + i*dh][ow*sw + j*dw], lo, hi), taps in
 * order (i, j); tap (i, j) reads phase ((i*dh) % sh, (j*dw) % sw) at row oh + (i*dh) / sh, column ow + (j*dw) / sw. */
typedef struct {
    const float *q;
    size_t phase;
    int qw;
    int oh, ow, kh, kw, sh, sw, dh, dw;
    const float *w;  /* [kh][kw] */
    float bias, lo, hi;
    float *y;        /* [oh][ow] */
    float *tmp;      /* (oh - 1) * qw + ow floats: the wide rows, when qw > ow */
} ql_fdw;

/* Channels per block of the channel-blocked depthwise kernel: one zmm of channels. */
#define QL_FDWC_LANES 16

/*
 * One block of up to QL_FDWC_LANES channels of one image of a depthwise conv, computed with the channels across the
 * vector lanes (the layout ONNX Runtime's NCHWc kernels use): rows of the input are transposed into a zero-padded
 * strip buf[row][pw][16], each output pixel is one vector of the block's channels, and the outputs are transposed
 * back into the NCHW planes. Output (oh, ow) of channel c = clamp(sum_ij w[i * kw + j][c] * P[oh*sh + i*dh][ow*sw +
 * j*dw] + bias[c], lo, hi), one fused multiply-add per tap in the order (i, j) from 0, then the bias added: per lane
 * the same operations as dw_plane, so the same bits.
 */
typedef struct {
    const struct ql_fconv_spec_s *s;
    const float *x;      /* the block's first input plane: channel c at x + c * ih * iw */
    float *y;            /* the block's first output plane: channel c at y + c * oh * ow */
    int channels;        /* 1 .. QL_FDWC_LANES */
    int pw;              /* padded width the taps read: (ow - 1) * sw + (kw - 1) * dw + 1 */
    int strip;           /* output rows per strip (the strip's input rows fit buf) */
    const float *w;      /* [kh * kw][16], zero for lanes >= channels */
    const float *bias;   /* [16] */
    float lo, hi;
    float *buf;          /* QL_ALIGN-aligned, ql_fdwc_buf_floats */
} ql_fdwc;

/* Floats of buf for a strip of `strip` output rows: its input rows, plus what the last pixel block reads past them. */
size_t ql_fdwc_buf_floats(int kh, int dh, int sh, int sw, int pw, int strip);

/*
 * One level's fp32 building blocks. A tile is mr rows (output channels) x nr columns (pixels); its operands are
 * panels: the weights' [k][mr] (broadcast, packed once per layer), the activations' rows (vectors: row q of a tile at b +
 * off[q], so packed panels ([k][nr], off[q] = q * nr) and rows read in place from a padded input share one kernel).
 */
typedef struct {
    const char *name;
    int mr, nr, vl;  /* tile rows and columns, lanes per vector */
    /*
     * acc[r][0..nr) = (cin ? cin[r * ldc ..] : 0) + sum_{q < k} a[q * mr + r] * b[off[q] ..], for r < rows, in the
     * order q = 0, 1, ... (one fused multiply-add per term). Then either (epi == 0) the raw acc is stored at
     * out + r * ldo (the vectors holding the first cols columns: a partial sum to resume from with cin), or
     * (epi == 1) clamp(acc + bias[r], lo, hi) is stored there as cols (<= nr) values. Only the vectors holding the
     * first cols columns are computed and read. Resuming from a stored partial sum continues the same chain, so
     * splitting k changes no bit.
     */
    void (*tile)(int k, const float *a, const float *b, const int *off, int rows, const float *cin, size_t ldc,
                 int epi, const float *bias, float lo, float hi, float *out, size_t ldo, int cols);
    /*
     * The pixel-major tile: acc[p][c] = (cin ? cin[p * ldo + c] : 0) + sum_{q < k} x[xoff[q] + p] * w[off[q] + c], in
     * the order q = 0, 1, ... (one fused multiply-add per term, the same chain as tile's), for p < pixels (<= mr) and
     * c < nv * vl (nv <= nr / vl). Then (epi == 0) the raw acc is stored at out + p * ldo, a partial sum to resume
     * from with cin, or (epi == 1) clamp(acc[p][c] + bias[c], lo, hi) is. Pixels are broadcast and output channels
     * are the vectors: a 7-pixel plane row fills a tile of 7 exactly, where tile's 16-lane columns cover a 7 x 7
     * plane as 48 + 1.
     */
    void (*tile_px)(int k, const float *x, const int *xoff, const float *w, const int *off, int pixels, int nv,
                    const float *cin, int epi, const float *bias, float lo, float hi, float *out, size_t ldo);
    /* dst[c * ldd + r] = src[r * lds + c] for r < rows, c < cols (rows <= 16), or NULL: the level has no vector
     * transpose (and the pixel-major path does not run). */
    void (*transpose)(const float *src, size_t lds, int rows, int cols, float *dst, size_t ldd);
    /* One depthwise plane (ql_fdw). Reads up to qw + kw * dw + 64 floats past the last phase (dropped columns). */
    void (*dw_plane)(const ql_fdw *d);
    /* out[b] = in[2 * b] for b < n (reads in[0 .. 2n - 2] only): stride-2 phases. */
    void (*gather2)(const float *in, float *out, int n);
    /* One channel block of a depthwise conv (ql_fdwc), or NULL: the level has no such kernel (dw_plane runs). */
    void (*dw_cblock)(const ql_fdwc *d);
} ql_fops;

/* The AVX-512 channel-blocked depthwise kernel and transpose (ql_fdw_avx512.c). */
void ql_fdw_cblock_avx512(const ql_fdwc *d);
void ql_f32_transpose_avx512(const float *src, size_t lds, int rows, int cols, float *dst, size_t ldd);

extern const ql_fops ql_fops_avx512, ql_fops_avx2;

/* The fp32 table for an int8 dispatch level: avx512vnni implies AVX-512F (zmm kernels); avxvnni and avx2 run the
 * ymm kernels, which also need FMA. NULL when this CPU cannot run them. */
const ql_fops *ql_fops_for(int level);
/* 1 when this CPU has FMA3 (ql_cpu.c). */
int ql_cpu_fma(void);

/* Geometry of one float Conv layer (the Java FloatConvSpec's ints, field for field), plus its clamp. */
typedef struct ql_fconv_spec_s {
    int c, ih, iw;
    int m, group;
    int kh, kw, sh, sw, dh, dw, pt, pl;
    int oh, ow;
} ql_fconv_spec;
#define QL_FCONV_SPEC_INTS 15
_Static_assert(sizeof(ql_fconv_spec) == QL_FCONV_SPEC_INTS * sizeof(int), "ql_fconv_spec must be 15 packed ints");

typedef struct ql_fconv ql_fconv;

/* Packs a layer once: weights [m][c/group][kh][kw], bias[m] or NULL (zeros). NULL when out of memory. */
ql_fconv *ql_fconv_new(const ql_fops *ops, const ql_fconv_spec *s, float lo, float hi, const float *w,
                       const float *bias);
void ql_fconv_free(ql_fconv *cv);
/* Floats of scratch ql_fconv_run needs for this many images. */
size_t ql_fconv_scratch(const ql_fconv *cv, int images);
/* y[images][m][oh][ow] = clamp(conv(x[images][c][ih][iw]) + bias, lo, hi). */
void ql_fconv_run(const ql_fconv *cv, const float *x, int images, float *y, float *scratch);

static inline float *ql_falign(float *p) {
    return (float *) (((uintptr_t) p + QL_ALIGN - 1) & ~(uintptr_t) (QL_ALIGN - 1));
}

#endif
