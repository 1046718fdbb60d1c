/*
 * fp32 kernels on zmm (AVX-512F with FMA): tiles of MR output channels x NVMAX * 16 pixels, so MR * NVMAX
 * accumulators, NVMAX activation vectors and one broadcast weight live in the 32 registers. The bodies are in
 * ql_f32_kernels.h; this file only names the instructions.
 */
#include <immintrin.h>
#include "ql_float.h"

#define QL_T __attribute__((target("avx2,fma,avx512f")))
#ifndef QL_F32_ZMM_MR
#define QL_F32_ZMM_MR 8
#endif
#ifndef QL_F32_ZMM_NV
#define QL_F32_ZMM_NV 3
#endif
#define MR QL_F32_ZMM_MR
#define NVMAX QL_F32_ZMM_NV
#define VT __m512
#define VL 16
#define MT __mmask16
#define VZERO() _mm512_setzero_ps()
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps((p), (v))
#define VSET1(x) _mm512_set1_ps(x)
#define VADD(a, b) _mm512_add_ps((a), (b))
#define VMAX(a, b) _mm512_max_ps((a), (b))
#define VMIN(a, b) _mm512_min_ps((a), (b))
#define VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define VMASK(n) ((__mmask16) ((1u << (n)) - 1))
#define VMLOAD(m, p) _mm512_maskz_loadu_ps((m), (p))
#define VMSTORE(p, m, v) _mm512_mask_storeu_ps((p), (m), (v))
#define VEVEN(lo, hi) _mm512_permutex2var_ps((lo), _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), (hi))

#include <string.h>
#include "ql_f32_kernels.h"

const ql_fops ql_fops_avx512 = {.name = "avx512", .mr = MR, .nr = NVMAX * VL, .vl = VL, .tile = tile, .tile_px = tile_px, .transpose = ql_f32_transpose_avx512, .dw_plane = dw_plane,
                                 .gather2 = gather2, .dw_cblock = ql_fdw_cblock_avx512};
