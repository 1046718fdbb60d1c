/*
 * AVX-VNNI level (VEX-encoded vpdpbusd on ymm, e.g. Alder Lake cores without AVX-512): uint8 x int8 quads
 * summed into int32 lanes, wrapping like Java ints (the non-saturating form). Tiles: ql_ymm_tiles.h.
 */
#define QL_T __attribute__((target("avx2,avxvnni")))
#define DOT(acc, u, s) _mm256_dpbusd_avx_epi32(acc, u, s)
#include "ql_ymm_tiles.h"

/* Interleaves 4 rows into uint8 quads (lane order as in ql_int8.h). */
QL_T static void pack_rows(const uint8_t *const *rows, int npanels, uint8_t *dst, size_t stride) {
    const uint8_t *r0 = rows[0], *r1 = rows[1], *r2 = rows[2], *r3 = rows[3];
    for (int p = 0; p < npanels; p++, dst += stride) {
        __m256i x0 = _mm256_loadu_si256((const __m256i *) (r0 + NR * p));
        __m256i x1 = _mm256_loadu_si256((const __m256i *) (r1 + NR * p));
        __m256i x2 = _mm256_loadu_si256((const __m256i *) (r2 + NR * p));
        __m256i x3 = _mm256_loadu_si256((const __m256i *) (r3 + NR * p));
        __m256i a = _mm256_unpacklo_epi8(x0, x1), b = _mm256_unpackhi_epi8(x0, x1);
        __m256i c = _mm256_unpacklo_epi8(x2, x3), d = _mm256_unpackhi_epi8(x2, x3);
        _mm256_storeu_si256((__m256i *) dst, _mm256_unpacklo_epi16(a, c));
        _mm256_storeu_si256((__m256i *) (dst + 32), _mm256_unpackhi_epi16(a, c));
        _mm256_storeu_si256((__m256i *) (dst + 64), _mm256_unpacklo_epi16(b, d));
        _mm256_storeu_si256((__m256i *) (dst + 96), _mm256_unpackhi_epi16(b, d));
    }
}

#include "ql_dw_taps.h"

const ql_ops ql_ops_avxvnni = {
    .level = QL_AVX_VNNI, .name = "avxvnni", .mr = MR, .nr = NR, .kgroup = 4,
    .pack_rows = pack_rows,
    .tile_s8u8_rq = tile_s8u8_rq, .tile_s8u8_i32 = tile_s8u8_i32,
    .tile_u8s8_rq = tile_u8s8_rq, .tile_u8s8_i32 = tile_u8s8_i32,
    .requant_row = requant_row, .requant_cols = requant_cols,
    .dw_plane = dw_plane,
};
