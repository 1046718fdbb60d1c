/*
 * fp32 kernels on ymm (AVX2 + FMA), for CPUs without AVX-512: tiles of 6 output channels x 16 pixels, the classic
 * shape for 16 registers (12 accumulators, 2 activation vectors, 1 broadcast weight). Bodies in ql_f32_kernels.h.
 */
#include <immintrin.h>
#include "ql_float.h"

#define QL_T __attribute__((target("avx2,fma")))
#define MR 6
#define NVMAX 2
#define VT __m256
#define VL 8
#define MT __m256i
#define VZERO() _mm256_setzero_ps()
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps((p), (v))
#define VSET1(x) _mm256_set1_ps(x)
#define VADD(a, b) _mm256_add_ps((a), (b))
#define VMAX(a, b) _mm256_max_ps((a), (b))
#define VMIN(a, b) _mm256_min_ps((a), (b))
#define VFMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define VMASK(n) _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define VMLOAD(m, p) _mm256_maskload_ps((p), (m))
#define VMSTORE(p, m, v) _mm256_maskstore_ps((p), (m), (v))
/* shuffle picks lanes 0, 2 of each 128-bit half of lo and hi: lo0 lo2 hi0 hi2 lo4 lo6 hi4 hi6; the 64-bit permute
 * puts the halves in order */
#define VEVEN(lo, hi) _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps((lo), (hi), 0x88)), 0xD8))

#include <string.h>
#include "ql_f32_kernels.h"

const ql_fops ql_fops_avx2 = {.name = "avx2", .mr = MR, .nr = NVMAX * VL, .vl = VL, .tile = tile, .tile_px = tile_px, .dw_plane = dw_plane,
                                 .gather2 = gather2};
