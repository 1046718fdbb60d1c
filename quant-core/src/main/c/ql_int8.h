/*
 * quantlake native int8 kernels: shared types.
 *
 * Every kernel here must equal the Java reference (DefaultInt8Kernels, QConv's depthwise loop) bit for bit:
 * integer sums are exact and wrap modulo 2^32 like Java ints, and requantization is Requantizer's rule
 * (float32 (float)(acc + offset) * mult, clamp to [lo - zp, hi - zp], round half to even, + zp).
 *
 * Re-entrant: no mutable globals. The only global is the dispatch table (ql_levels), read-only after its
 * one-time initialisation. Packed weights are read-only after packing; per-call memory is the caller's scratch.
 */
#ifndef QL_INT8_H
#define QL_INT8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Dispatch levels, best first. The numbers are part of the Java binding (NativeLevel). AMX is deliberately
 * absent: no AMX kernel exists yet, because none could be tested on the machines this was built on. */
enum { QL_AVX512_VNNI = 0, QL_AVX_VNNI = 1, QL_AVX2 = 2, QL_LEVELS = 3 };

/* Bytes of scratch alignment: every scratch region starts on a cache line. */
#define QL_ALIGN 64

/* Requantization constants of one layer (the rule's clamp and output zero point). */
typedef struct {
    int zp, lo, hi;
} ql_rq;

/*
 * One channel of a depthwise conv on its padded plane: P[r][c] = x[r - pt][c - pl], or the input zero point
 * outside x, with row stride pw and at least QL_DW_SLACK readable bytes after the last row. Output (oh, ow) is
 * requantize(base + sum_ij w[i][j] * P[oh * sh + i * dh][ow * sw + j * dw], mult), base = bias - xzp * sum(w),
 * which equals the Java reference's bias + sum w * (x - xzp) over the in-bounds taps exactly (mod 2^32).
 */
#define QL_DW_SLACK 256
typedef struct ql_dw_plane {
    const uint8_t *p;
    int pw, oh, ow, kh, kw, sh, sw, dh, dw;
    const int8_t *w;
    int32_t base;
    float mult;          /* finite */
    const ql_rq *rq;
    uint8_t *y;          /* [oh][ow] */
    uint8_t *tmp;        /* QL_ALIGN-aligned, ql_dw_tmp_bytes */
} ql_dw_plane;

/*
 * Completes a stride-2x2 split of a padded plane into four phases of ph2 x q bytes at qs (phase p at qs + p * phase,
 * rows 2a + rp, columns 2b + cp): when ph is odd the odd row phases are one row short, so their last row is defined
 * (as 0), and the QL_DW_SLACK bytes after the last phase are zeroed. Only dropped outputs read either.
 */
static inline void ql_dw_phases_finish(uint8_t *qs, size_t phase, int ph, int ph2, int q) {
    if (ph & 1) {
        memset(qs + 2 * phase + (size_t) (ph2 - 1) * (size_t) q, 0, (size_t) q);
        memset(qs + 3 * phase + (size_t) (ph2 - 1) * (size_t) q, 0, (size_t) q);
    }
    memset(qs + 4 * phase, 0, QL_DW_SLACK);
}

/* The AVX512-VNNI level's register-blocked depthwise kernel (stride 1, and stride 2 x 2 without dilation); 0 for
 * other geometries. */
int ql_dw_plane_vnni512(const ql_dw_plane *d);
/* The AVX512-VNNI level's copy_rows (ql_dw_avx512vnni.c). */
void ql_copy_rows_avx512(const uint8_t *src, int rows, int len, size_t src_stride, uint8_t *dst, size_t dst_stride);

/* Scratch a dw_plane kernel may use for an output plane of oh x ow from a padded plane of ph x pw. */
static inline size_t ql_dw_tmp_bytes(int oh, int ow, int ph, int pw) {
    size_t flat = ((size_t) oh * (size_t) pw + 64) * 4;  /* int32 accumulators or bytes over the flat plane */
    size_t row = ((size_t) ow + 64) * 4;
    /* stride 2 x 2: oh * q int32 accumulators (+16), then four phases of ((ph + 1) / 2) x q bytes and the slack */
    size_t q = ((size_t) pw + 1) / 2;
    size_t phases = ((size_t) oh * q + 16) * 4 + 4 * (((size_t) ph + 1) / 2) * q + QL_DW_SLACK;
    size_t most = flat > row ? flat : row;
    return (most > phases ? most : phases) + 64;
}

/*
 * One dispatch level's GEMM building blocks. Both operands of a tile are "panels" of 32-bit lanes, each lane
 * holding kgroup consecutive k values of one row or column: kgroup = 4 uint8/int8 bytes (VNNI's vpdpbusd) or
 * kgroup = 2 int16 values widened from bytes (AVX2's vpmaddwd, exact where vpmaddubsw would saturate).
 *
 * A tile is mr rows x nr columns. The vector panel ("B side": activations for Conv, weights for Gemm) stores its
 * nr columns in the order the byte-interleaving unpack instructions produce: lane e of vector v (16 lanes per
 * zmm, 8 per ymm) holds column 16 * (e / 4) + 4 * v + e % 4 (see ql_lambda_col). The saturating pack
 * instructions that narrow a tile row to bytes undo exactly that order, so neither side ever shuffles.
 */
typedef struct ql_ops {
    int level;
    const char *name;
    int mr, nr, kgroup;

    /* Interleaves kgroup source rows (each npanels * nr readable bytes) into npanels vector panels, writing
     * nr * 4 bytes per panel at dst + p * panel_stride. */
    void (*pack_rows)(const uint8_t *const *rows, int npanels, uint8_t *dst, size_t panel_stride);

    /* Conv orientation: weights (int8, broadcast panel [kg][mr][4]) x activations (uint8 vector panel [kg][nr][4]),
     * rows 0..rows-1 requantized with per-row offset/mult and written as nr bytes at dst + r * ldd. */
    void (*tile_s8u8_rq)(int kg, const uint8_t *a, const uint8_t *b, int rows, const int32_t *off,
                         const float *mult, const ql_rq *rq, uint8_t *dst, size_t ldd);
    /* Same product, int32 results in column order: cols (<= nr) values per row at c + r * ldc. */
    void (*tile_s8u8_i32)(int kg, const uint8_t *a, const uint8_t *b, int rows, int32_t *c, size_t ldc, int cols);

    /* Gemm orientation: activations (uint8, broadcast panel [kg][mr][4]) x weights (int8 vector panel),
     * requantized with per-column offset/mult given in panel lane order. */
    void (*tile_u8s8_rq)(int kg, const uint8_t *a, const uint8_t *b, int rows, const int32_t *off,
                         const float *mult, const ql_rq *rq, uint8_t *dst, size_t ldd);
    void (*tile_u8s8_i32)(int kg, const uint8_t *a, const uint8_t *b, int rows, int32_t *c, size_t ldc, int cols);

    /* Channel-last conv (ql_conv_nhwc.c): 6 pixel rows read through pointers px[0..5] into a padded NHWC input (tap t
     * of row r at px[r] + toff[t], its k group q at + 4 q), times a weights vector panel [taps * groups][nr][4],
     * requantized per column (offsets and multipliers in panel lane order, finite); rows 0..rows-1 written as nr
     * bytes at dst + r * ldd. NULL at levels without it (the column path runs). */
    void (*tile_u8s8_ind_rq)(int taps, const int32_t *toff, int groups, const uint8_t *const *px, const uint8_t *b,
                             int rows, const int32_t *off, const float *mult, const ql_rq *rq, uint8_t *dst,
                             size_t ldd);

    /* Depthwise conv of one padded plane (ql_dw_plane); NULL or a 0 return means "not this geometry", and the
     * generic C kernel runs instead. */
    int (*dw_plane)(const struct ql_dw_plane *p);
    /* Copies `rows` runs of len bytes, src + r * src_stride to dst + r * dst_stride (the depthwise path's padded
     * plane); NULL: one memcpy per row. */
    void (*copy_rows)(const uint8_t *src, int rows, int len, size_t src_stride, uint8_t *dst, size_t dst_stride);

    /* Requantizes n accumulators with one offset and multiplier (finite) to bytes. */
    void (*requant_row)(const int32_t *acc, int n, int32_t off, float mult, const ql_rq *rq, uint8_t *y);
    /* Requantizes n accumulators with per-element offsets and multipliers (all finite) to bytes. */
    void (*requant_cols)(const int32_t *acc, int n, const int32_t *off, const float *mult, const ql_rq *rq,
                         uint8_t *y);
} ql_ops;

/* Column held by lane lambda of a vector panel (both widths). */
static inline int ql_lambda_col(int lambda, int lanes_per_vector) {
    int v = lambda / lanes_per_vector, e = lambda % lanes_per_vector;
    return 16 * (e / 4) + 4 * v + (e % 4);
}

/* The levels' tables (NULL entries for levels this CPU cannot run are never handed out). */
extern const ql_ops ql_ops_avx512vnni, ql_ops_avxvnni, ql_ops_avx2;

/* Bit i set when level i runs on this CPU (and its OS saves the registers); computed once. */
int ql_cpu_levels(void);
/* A one-line description of the CPU features found (for the log). */
const char *ql_cpu_description(void);
/* The table of level i, or NULL when this CPU cannot run it. */
const ql_ops *ql_ops_for(int level);

/* ---- Conv layers ---- */

/* Geometry and quantization of one QConv layer (the Java Int8ConvSpec, field for field). */
typedef struct {
    int c, ih, iw;         /* input channels, height, width */
    int m, group;          /* output channels, groups */
    int kh, kw, sh, sw, dh, dw, pt, pl;
    int oh, ow;            /* output height, width */
    int xzp, yzp, lo, hi;
} ql_conv_spec;
#define QL_CONV_SPEC_INTS 19
_Static_assert(sizeof(ql_conv_spec) == QL_CONV_SPEC_INTS * sizeof(int), "ql_conv_spec must be 19 packed ints");

typedef struct ql_conv ql_conv;

/* Packs a layer once: weights [m][c/group][kh][kw] int8, offset[m] = bias - xzp * sum(w), mult[m]. Returns NULL
 * when out of memory. */
ql_conv *ql_conv_new(const ql_ops *ops, const ql_conv_spec *s, const int8_t *w, const int32_t *offset,
                     const float *mult);
void ql_conv_free(ql_conv *cv);
/* Scratch bytes ql_conv_run needs for this many images. */
size_t ql_conv_scratch(const ql_conv *cv, int images);
/* y[images][m][oh][ow] = requantized conv of x[images][c][ih][iw]. */
void ql_conv_run(const ql_conv *cv, const uint8_t *x, int images, uint8_t *y, uint8_t *scratch);

/* ---- Gemm layers ---- */

typedef struct ql_linear ql_linear;

/* Packs B int8 [k x n] row-major once, with per-column offset and mult and the clamp. */
ql_linear *ql_linear_new(const ql_ops *ops, int k, int n, const int8_t *b, const int32_t *offset,
                         const float *mult, const ql_rq *rq);
void ql_linear_free(ql_linear *ln);
size_t ql_linear_scratch(const ql_linear *ln, int m);
/* y[m][n] = requantized a[m][k] (uint8, row stride k) x B. */
void ql_linear_run(const ql_linear *ln, int m, const uint8_t *a, uint8_t *y, uint8_t *scratch);

/* ---- Plain GEMMs (int32 out, C overwritten); they allocate their packing space. 0 on success, -1 out of memory. */
int ql_gemm_s8u8(const ql_ops *ops, int m, int n, int k, const int8_t *a, int lda, const uint8_t *b, int ldb,
                 int32_t *c, int ldc);
int ql_gemm_u8s8(const ql_ops *ops, int m, int n, int k, const uint8_t *a, int lda, const int8_t *b, int ldb,
                 int32_t *c, int ldc);

/* ---- Requantization of int32 matrices (Int8Kernels.requantizeRows / requantizeCols). ---- */
void ql_requantize_rows(const ql_ops *ops, const int32_t *acc, int rows, int cols, const int32_t *off,
                        const float *mult, const ql_rq *rq, uint8_t *y);
void ql_requantize_cols(const ql_ops *ops, const int32_t *acc, int rows, int cols, const int32_t *off,
                        const float *mult, const ql_rq *rq, uint8_t *y);

/* ---- uint8 max pool (level-independent). g = {ih, iw, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl}. ---- */
#define QL_POOL_INTS 12
/* Bytes of scratch ql_maxpool_u8 needs (one padded row). */
size_t ql_maxpool_u8_scratch(const int *g);
/* y[planes][oh][ow] = max over each window of x[planes][ih][iw]; positions in the padding are ignored (0). */
void ql_maxpool_u8(const int *g, const uint8_t *x, long planes, uint8_t *y, uint8_t *scratch);

/* Float max pool with Java's Math.max (NaN wins, -0.0 < +0.0); the padding is -Inf. Needs AVX2 (every level has it). */
size_t ql_maxpool_f32_scratch(const int *g);
void ql_maxpool_f32(const int *g, const float *x, long planes, float *y, float *scratch);

/* Rounds p up to the next multiple of QL_ALIGN. */
static inline uint8_t *ql_align(uint8_t *p) {
    return (uint8_t *) (((uintptr_t) p + QL_ALIGN - 1) & ~(uintptr_t) (QL_ALIGN - 1));
}

static inline size_t ql_round_up(size_t x, size_t to) {
    return (x + to - 1) / to * to;
}

#endif
