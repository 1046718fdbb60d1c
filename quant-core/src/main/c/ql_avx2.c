/*
 * AVX2 level (no VNNI): operands widened to int16 pairs and multiplied with vpmaddwd, whose two products
 * (at most 255 x 128 each) and their sum are exact in int32. vpmaddubsw, the byte form, would be one instruction
 * less but adds its two uint8 x int8 products with int16 saturation (255 x 127 x 2 > 32767), which is not the
 * exact sum the contract requires. Tiles: ql_ymm_tiles.h with k grouped in pairs instead of quads.
 */
#define QL_T __attribute__((target("avx2")))
#define DOT(acc, u, s) _mm256_add_epi32(acc, _mm256_madd_epi16(u, s))
#include "ql_ymm_tiles.h"

/* Interleaves 2 uint8 rows into lanes of two zero-extended int16 values: the 4-row interleave with rows 1 and 3
 * zero. */
QL_T static void pack_rows(const uint8_t *const *rows, int npanels, uint8_t *dst, size_t stride) {
    const uint8_t *r0 = rows[0], *r1 = rows[1];
    __m256i z = _mm256_setzero_si256();
    for (int p = 0; p < npanels; p++, dst += stride) {
        __m256i x0 = _mm256_loadu_si256((const __m256i *) (r0 + NR * p));
        __m256i x1 = _mm256_loadu_si256((const __m256i *) (r1 + NR * p));
        __m256i a = _mm256_unpacklo_epi8(x0, z), b = _mm256_unpackhi_epi8(x0, z);
        __m256i c = _mm256_unpacklo_epi8(x1, z), d = _mm256_unpackhi_epi8(x1, z);
        _mm256_storeu_si256((__m256i *) dst, _mm256_unpacklo_epi16(a, c));
        _mm256_storeu_si256((__m256i *) (dst + 32), _mm256_unpackhi_epi16(a, c));
        _mm256_storeu_si256((__m256i *) (dst + 64), _mm256_unpacklo_epi16(b, d));
        _mm256_storeu_si256((__m256i *) (dst + 96), _mm256_unpackhi_epi16(b, d));
    }
}

#include "ql_dw_taps.h"

const ql_ops ql_ops_avx2 = {
    .level = QL_AVX2, .name = "avx2", .mr = MR, .nr = NR, .kgroup = 2,
    .pack_rows = pack_rows,
    .tile_s8u8_rq = tile_s8u8_rq, .tile_s8u8_i32 = tile_s8u8_i32,
    .tile_u8s8_rq = tile_u8s8_rq, .tile_u8s8_i32 = tile_u8s8_i32,
    .requant_row = requant_row, .requant_cols = requant_cols,
    .dw_plane = dw_plane,
};
