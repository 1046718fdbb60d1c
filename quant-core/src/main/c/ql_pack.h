/*
 * Packing of operands into the panels the tiles read (layouts in ql_int8.h). Scalar C: weights are packed once
 * per layer, and the per-call uses (Gemm activations, plain GEMMs) cost O(m k) or O(k n) against O(m k n).
 */
#ifndef QL_PACK_H
#define QL_PACK_H

#include "ql_int8.h"

/* Bytes of the broadcast panels for `rows` rows of depth k: ceil(rows / mr) panels of [kg][mr][4]. */
size_t ql_bcast_bytes(const ql_ops *ops, int rows, int k);
/* Bytes of the vector panels for n columns of depth k: ceil(n / nr) panels of [kg][nr][4]. */
size_t ql_vec_bytes(const ql_ops *ops, int n, int k);
/* Number of k groups (kgroup values per 32-bit lane). */
int ql_kgroups(const ql_ops *ops, int k);

/* Broadcast panels of rows x k values at src (row stride lds), read as int8 (is_signed) or uint8; zero padded. */
void ql_pack_bcast(const ql_ops *ops, int rows, int k, const uint8_t *src, size_t lds, int is_signed, uint8_t *dst);
/* Vector panels of k x n int8 values at src (row stride lds), columns in panel lane order; zero padded. */
void ql_pack_vec_s8(const ql_ops *ops, int k, int n, const int8_t *src, size_t lds, uint8_t *dst);
/* Per-column values (n of them) reordered into panel lane order (ceil(n / nr) * nr values, zero padded). */
void ql_permute_cols_i32(const ql_ops *ops, int n, const int32_t *src, int32_t *dst);
void ql_permute_cols_f32(const ql_ops *ops, int n, const float *src, float *dst);

/*
 * The Gemm orientation over whole operands: y[r][c] (row stride ldy) for rows [0, m) and columns [0, n) from broadcast
 * panels of m rows (apack) and n columns of vector panels (b), per-column offsets and multipliers in panel lane order
 * (all multipliers finite), weights panel outer. buf holds one tile (mr x nr bytes) for a last part panel.
 */
void ql_u8s8_rq_rows(const ql_ops *ops, int kg, int m, int n, const uint8_t *apack, const uint8_t *b,
                     const int32_t *off_lanes, const float *mult_lanes, const ql_rq *rq, uint8_t *y, size_t ldy,
                     uint8_t *buf);

/*
 * Packs rows [0, k) of a k x (npanels * nr) uint8 matrix into vector panels at dst (panel p at dst + p * kg * nr
 * * 4); row(ctx, r, tmp) returns a pointer to row r's npanels * nr readable bytes (tmp: room for one such row, for
 * rows that must be assembled; the caller gives room for 4). Rows k and beyond read as zero (a zero row of that length is given).
 */
typedef const uint8_t *(*ql_row_fn)(void *ctx, int r, uint8_t *tmp);
void ql_pack_vec_rows(const ql_ops *ops, int k, int npanels, ql_row_fn row, void *ctx, uint8_t *tmp,
                      const uint8_t *zero, uint8_t *dst);

#endif
