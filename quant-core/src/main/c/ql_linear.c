/*
 * QGemm layers: y[m][n] = requantize(a[m][k] x B[k][n]) with B int8 packed once into vector panels, per-column
 * offsets and multipliers reordered once into panel lane order, and the activations (uint8, few rows: the batch)
 * packed per call into broadcast panels.
 */
#include <stdlib.h>
#include <string.h>
#include "ql_pack.h"
#include "ql_requant.h"

struct ql_linear {
    const ql_ops *ops;
    int k, n, kg, npanels, finite;
    ql_rq rq;
    uint8_t *b;           /* vector panels */
    int32_t *off_lanes;   /* offsets in panel lane order */
    float *mult_lanes;
    int32_t *off;         /* in column order, for the scalar rule */
    float *mult;
};

void ql_linear_free(ql_linear *ln) {
    if (ln == NULL) {
        return;
    }
    free(ln->b);
    free(ln->off_lanes);
    free(ln->mult_lanes);
    free(ln->off);
    free(ln->mult);
    free(ln);
}

ql_linear *ql_linear_new(const ql_ops *ops, int k, int n, const int8_t *b, const int32_t *offset,
                         const float *mult, const ql_rq *rq) {
    ql_linear *ln = calloc(1, sizeof *ln);
    if (ln == NULL) {
        return NULL;
    }
    ln->ops = ops;
    ln->k = k;
    ln->n = n;
    ln->kg = ql_kgroups(ops, k);
    ln->npanels = (n + ops->nr - 1) / ops->nr;
    ln->rq = *rq;
    ln->finite = ql_all_finite(mult, n);
    size_t lanes = (size_t) ln->npanels * (size_t) ops->nr;
    ln->b = aligned_alloc(QL_ALIGN, ql_round_up(ql_vec_bytes(ops, n, k) + 1, QL_ALIGN));
    ln->off_lanes = malloc(sizeof(int32_t) * lanes + 1);
    ln->mult_lanes = malloc(sizeof(float) * lanes + 1);
    ln->off = malloc(sizeof(int32_t) * (size_t) n + 1);
    ln->mult = malloc(sizeof(float) * (size_t) n + 1);
    if (ln->b == NULL || ln->off_lanes == NULL || ln->mult_lanes == NULL || ln->off == NULL || ln->mult == NULL) {
        ql_linear_free(ln);
        return NULL;
    }
    ql_pack_vec_s8(ops, k, n, b, (size_t) n, ln->b);
    ql_permute_cols_i32(ops, n, offset, ln->off_lanes);
    ql_permute_cols_f32(ops, n, mult, ln->mult_lanes);
    memcpy(ln->off, offset, sizeof(int32_t) * (size_t) n);
    memcpy(ln->mult, mult, sizeof(float) * (size_t) n);
    return ln;
}

size_t ql_linear_scratch(const ql_linear *ln, int m) {
    const ql_ops *ops = ln->ops;
    return 2 * QL_ALIGN + ql_bcast_bytes(ops, m, ln->k) + (size_t) ops->mr * (size_t) ops->nr * 4;
}

void ql_u8s8_rq_rows(const ql_ops *ops, int kg, int m, int n, const uint8_t *apack, const uint8_t *b,
                     const int32_t *off_lanes, const float *mult_lanes, const ql_rq *rq, uint8_t *y, size_t ldy,
                     uint8_t *buf) {
    int mr = ops->mr, nr = ops->nr;
    size_t apanel = (size_t) kg * mr * 4, bpanel = (size_t) kg * nr * 4;
    /* Weights panel outer: each is read from memory once per call and reused by every row panel. */
    for (int col = 0; col < n; col += nr) {
        const uint8_t *bp = b + (size_t) (col / nr) * bpanel;
        int cols = n - col < nr ? n - col : nr;
        for (int m0 = 0; m0 < m; m0 += mr) {
            int rows = m - m0 < mr ? m - m0 : mr;
            const uint8_t *ap = apack + (size_t) (m0 / mr) * apanel;
            if (cols == nr) {
                ops->tile_u8s8_rq(kg, ap, bp, rows, off_lanes + col, mult_lanes + col, rq, y + (size_t) m0 * ldy + col, ldy);
            } else {
                ops->tile_u8s8_rq(kg, ap, bp, rows, off_lanes + col, mult_lanes + col, rq, buf, (size_t) nr);
                for (int r = 0; r < rows; r++) {
                    memcpy(y + (size_t) (m0 + r) * ldy + col, buf + (size_t) r * nr, (size_t) cols);
                }
            }
        }
    }
}

void ql_linear_run(const ql_linear *ln, int m, const uint8_t *a, uint8_t *y, uint8_t *scratch) {
    const ql_ops *ops = ln->ops;
    int mr = ops->mr, nr = ops->nr, n = ln->n;
    uint8_t *apack = ql_align(scratch);
    uint8_t *buf = ql_align(apack + ql_bcast_bytes(ops, m, ln->k));
    ql_pack_bcast(ops, m, ln->k, a, (size_t) ln->k, 0, apack);
    if (ln->finite) {
        ql_u8s8_rq_rows(ops, ln->kg, m, n, apack, ln->b, ln->off_lanes, ln->mult_lanes, &ln->rq, y, (size_t) n, buf);
        return;
    }
    /* A non-finite multiplier: int32 tiles, then the scalar rule with Java's NaN semantics. */
    size_t apanel = (size_t) ln->kg * mr * 4, bpanel = (size_t) ln->kg * nr * 4;
    for (int p = 0; p < ln->npanels; p++) {
        const uint8_t *b = ln->b + (size_t) p * bpanel;
        int col = p * nr, cols = n - col < nr ? n - col : nr;
        for (int m0 = 0; m0 < m; m0 += mr) {
            int rows = m - m0 < mr ? m - m0 : mr;
            int32_t *acc = (int32_t *) buf;
            ops->tile_u8s8_i32(ln->kg, apack + (size_t) (m0 / mr) * apanel, b, rows, acc, (size_t) nr, cols);
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    y[(size_t) (m0 + r) * n + col + j] =
                        ql_requant1(ql_wrap_add(acc[r * nr + j], ln->off[col + j]), ln->mult[col + j], &ln->rq);
                }
            }
        }
    }
}
