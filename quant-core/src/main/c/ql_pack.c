#include <string.h>
#include "ql_pack.h"

int ql_kgroups(const ql_ops *ops, int k) {
    return (k + ops->kgroup - 1) / ops->kgroup;
}

size_t ql_bcast_bytes(const ql_ops *ops, int rows, int k) {
    return ql_round_up((size_t) rows, (size_t) ops->mr) * (size_t) ql_kgroups(ops, k) * 4;
}

size_t ql_vec_bytes(const ql_ops *ops, int n, int k) {
    return ql_round_up((size_t) n, (size_t) ops->nr) * (size_t) ql_kgroups(ops, k) * 4;
}

/* One 32-bit lane from kgroup values: 4 bytes (VNNI) or 2 little-endian int16 (AVX2). */
static void put_lane(uint8_t *dst, int kgroup, const int *v) {
    if (kgroup == 4) {
        for (int t = 0; t < 4; t++) {
            dst[t] = (uint8_t) v[t];
        }
    } else {
        for (int t = 0; t < 2; t++) {
            dst[2 * t] = (uint8_t) (v[t] & 0xFF);
            dst[2 * t + 1] = (uint8_t) ((v[t] >> 8) & 0xFF);
        }
    }
}

void ql_pack_bcast(const ql_ops *ops, int rows, int k, const uint8_t *src, size_t lds, int is_signed, uint8_t *dst) {
    int kg = ql_kgroups(ops, k), g = ops->kgroup, mr = ops->mr;
    int panels = (rows + mr - 1) / mr, whole = k / g;
    size_t lane_stride = (size_t) mr * 4;
    for (int p = 0; p < panels; p++) {
        uint8_t *panel = dst + (size_t) p * kg * lane_stride;
        for (int r = 0; r < mr; r++) {
            int row = p * mr + r;
            uint8_t *d = panel + (size_t) r * 4;
            if (row >= rows) {
                for (int q = 0; q < kg; q++) {
                    memset(d + q * lane_stride, 0, 4);
                }
                continue;
            }
            const uint8_t *s = src + (size_t) row * lds;
            int q = 0;
            if (g == 4) {
                /* Whole quads are the source bytes as they are: this runs per call for Gemm activations. */
                for (; q < whole; q++) {
                    memcpy(d + q * lane_stride, s + 4 * q, 4);
                }
            }
            for (; q < kg; q++) {
                int v[4] = {0, 0, 0, 0};
                for (int t = 0; t < g && q * g + t < k; t++) {
                    uint8_t x = s[q * g + t];
                    v[t] = is_signed ? (int) (int8_t) x : (int) x;
                }
                put_lane(d + q * lane_stride, g, v);
            }
        }
    }
}

void ql_pack_vec_s8(const ql_ops *ops, int k, int n, const int8_t *src, size_t lds, uint8_t *dst) {
    int kg = ql_kgroups(ops, k), g = ops->kgroup, nr = ops->nr, lanes = ops->nr / 4;
    int panels = (n + nr - 1) / nr;
    for (int p = 0; p < panels; p++) {
        for (int q = 0; q < kg; q++) {
            for (int l = 0; l < nr; l++, dst += 4) {
                int col = p * nr + ql_lambda_col(l, lanes), v[4] = {0, 0, 0, 0};
                for (int t = 0; t < g; t++) {
                    int kk = q * g + t;
                    if (col < n && kk < k) {
                        v[t] = src[(size_t) kk * lds + (size_t) col];
                    }
                }
                put_lane(dst, g, v);
            }
        }
    }
}

void ql_permute_cols_i32(const ql_ops *ops, int n, const int32_t *src, int32_t *dst) {
    int nr = ops->nr, lanes = nr / 4, total = (int) ql_round_up((size_t) n, (size_t) nr);
    for (int i = 0; i < total; i++) {
        int col = i / nr * nr + ql_lambda_col(i % nr, lanes);
        dst[i] = col < n ? src[col] : 0;
    }
}

void ql_permute_cols_f32(const ql_ops *ops, int n, const float *src, float *dst) {
    int nr = ops->nr, lanes = nr / 4, total = (int) ql_round_up((size_t) n, (size_t) nr);
    for (int i = 0; i < total; i++) {
        int col = i / nr * nr + ql_lambda_col(i % nr, lanes);
        dst[i] = col < n ? src[col] : 0.0f;
    }
}

void ql_pack_vec_rows(const ql_ops *ops, int k, int npanels, ql_row_fn row, void *ctx, uint8_t *tmp,
                      const uint8_t *zero, uint8_t *dst) {
    int kg = ql_kgroups(ops, k), g = ops->kgroup;
    size_t panel_stride = (size_t) kg * (size_t) ops->nr * 4, row_bytes = (size_t) npanels * (size_t) ops->nr;
    for (int q = 0; q < kg; q++) {
        const uint8_t *rows[4] = {zero, zero, zero, zero};
        for (int t = 0; t < g; t++) {
            int r = q * g + t;
            if (r < k) {
                rows[t] = row(ctx, r, tmp + (size_t) t * row_bytes);
            }
        }
        ops->pack_rows(rows, npanels, dst + (size_t) q * ops->nr * 4, panel_stride);
    }
}
