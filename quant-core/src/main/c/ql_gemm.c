/*
 * The plain int32 GEMMs of Int8Kernels (gemmS8U8, gemmU8S8) and the requantization of int32 matrices, on the
 * same tiles as the layers. They pack both operands per call into memory they allocate, so they are for tests,
 * benchmarks and callers without prepared weights; the engine's layers use ql_conv and ql_linear.
 */
#include <stdlib.h>
#include <string.h>
#include "ql_pack.h"
#include "ql_requant.h"

#define CHUNK_BYTES (512 * 1024)

typedef struct {
    const uint8_t *b;
    size_t ldb;
    int n0, nc, ncp, n;
} rows_ctx;

static const uint8_t *matrix_row(void *vctx, int r, uint8_t *tmp) {
    const rows_ctx *c = vctx;
    const uint8_t *row = c->b + (size_t) r * c->ldb + c->n0;
    if (c->n0 + c->ncp <= c->n) {
        return row;
    }
    memcpy(tmp, row, (size_t) c->nc);
    memset(tmp + c->nc, 0, (size_t) (c->ncp - c->nc));
    return tmp;
}

int ql_gemm_s8u8(const ql_ops *ops, int m, int n, int k, const int8_t *a, int lda, const uint8_t *b, int ldb,
                 int32_t *c, int ldc) {
    if (m == 0 || n == 0) {
        return 0;
    }
    int kg = ql_kgroups(ops, k), nr = ops->nr, mr = ops->mr;
    size_t per_col = (size_t) kg * 4 + 1;
    int nc_max = (int) (CHUNK_BYTES / per_col / (size_t) nr * (size_t) nr);
    if (nc_max < nr) nc_max = nr;
    int ncols_padded = (n + nr - 1) / nr * nr;
    if (nc_max > ncols_padded) nc_max = ncols_padded;
    size_t abytes = ql_bcast_bytes(ops, m, k);
    size_t bbytes = (size_t) kg * 4 * (size_t) nc_max;
    uint8_t *mem = malloc(abytes + bbytes + 5 * (size_t) nc_max + 4 * QL_ALIGN);
    if (mem == NULL) {
        return -1;
    }
    uint8_t *apack = ql_align(mem), *bpack = ql_align(apack + abytes), *rows = bpack + bbytes;
    uint8_t *zero = rows + 4 * (size_t) nc_max;
    memset(zero, 0, (size_t) nc_max);
    ql_pack_bcast(ops, m, k, (const uint8_t *) a, (size_t) lda, 1, apack);
    size_t apanel = (size_t) kg * mr * 4, bpanel = (size_t) kg * nr * 4;
    rows_ctx ctx = {b, (size_t) ldb, 0, 0, 0, n};
    for (int n0 = 0; n0 < n; n0 += nc_max) {
        int nc = n - n0 < nc_max ? n - n0 : nc_max, npanels = (nc + nr - 1) / nr;
        ctx.n0 = n0;
        ctx.nc = nc;
        ctx.ncp = npanels * nr;
        ql_pack_vec_rows(ops, k, npanels, matrix_row, &ctx, rows, zero, bpack);
        for (int m0 = 0; m0 < m; m0 += mr) {
            int mrows = m - m0 < mr ? m - m0 : mr;
            for (int p = 0; p < npanels; p++) {
                int cols = nc - p * nr < nr ? nc - p * nr : nr;
                ops->tile_s8u8_i32(kg, apack + (size_t) (m0 / mr) * apanel, bpack + (size_t) p * bpanel, mrows,
                                   c + (size_t) m0 * ldc + n0 + p * nr, (size_t) ldc, cols);
            }
        }
    }
    free(mem);
    return 0;
}

int ql_gemm_u8s8(const ql_ops *ops, int m, int n, int k, const uint8_t *a, int lda, const int8_t *b, int ldb,
                 int32_t *c, int ldc) {
    if (m == 0 || n == 0) {
        return 0;
    }
    int kg = ql_kgroups(ops, k), nr = ops->nr, mr = ops->mr;
    size_t abytes = ql_bcast_bytes(ops, m, k), bbytes = ql_vec_bytes(ops, n, k);
    uint8_t *mem = malloc(abytes + bbytes + 2 * QL_ALIGN);
    if (mem == NULL) {
        return -1;
    }
    uint8_t *apack = ql_align(mem), *bpack = ql_align(apack + abytes);
    ql_pack_bcast(ops, m, k, a, (size_t) lda, 0, apack);
    ql_pack_vec_s8(ops, k, n, b, (size_t) ldb, bpack);
    size_t apanel = (size_t) kg * mr * 4, bpanel = (size_t) kg * nr * 4;
    for (int p = 0; p * nr < n; p++) {
        int cols = n - p * nr < nr ? n - p * nr : nr;
        for (int m0 = 0; m0 < m; m0 += mr) {
            int rows = m - m0 < mr ? m - m0 : mr;
            ops->tile_u8s8_i32(kg, apack + (size_t) (m0 / mr) * apanel, bpack + (size_t) p * bpanel, rows,
                               c + (size_t) m0 * ldc + p * nr, (size_t) ldc, cols);
        }
    }
    free(mem);
    return 0;
}

void ql_requantize_rows(const ql_ops *ops, const int32_t *acc, int rows, int cols, const int32_t *off,
                        const float *mult, const ql_rq *rq, uint8_t *y) {
    for (int r = 0; r < rows; r++) {
        const int32_t *in = acc + (size_t) r * cols;
        uint8_t *out = y + (size_t) r * cols;
        if (ql_all_finite(mult + r, 1)) {
            ops->requant_row(in, cols, off[r], mult[r], rq, out);
        } else {
            for (int j = 0; j < cols; j++) {
                out[j] = ql_requant1(ql_wrap_add(in[j], off[r]), mult[r], rq);
            }
        }
    }
}

void ql_requantize_cols(const ql_ops *ops, const int32_t *acc, int rows, int cols, const int32_t *off,
                        const float *mult, const ql_rq *rq, uint8_t *y) {
    int finite = ql_all_finite(mult, cols);
    for (int r = 0; r < rows; r++) {
        const int32_t *in = acc + (size_t) r * cols;
        uint8_t *out = y + (size_t) r * cols;
        if (finite) {
            ops->requant_cols(in, cols, off, mult, rq, out);
        } else {
            for (int j = 0; j < cols; j++) {
                out[j] = ql_requant1(ql_wrap_add(in[j], off[j]), mult[j], rq);
            }
        }
    }
}
