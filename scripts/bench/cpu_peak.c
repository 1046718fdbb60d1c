/*
 * The single-core peaks the kernels are measured against: vpdpbusd (AVX512-VNNI, u8 x s8 -> s32, 64 multiply-adds
 * per instruction = 128 int8 operations) and vfmadd231ps (AVX-512F, 16 fused multiply-adds = 32 fp32 operations).
 * 24 independent accumulators in an assembly loop (compilers keep arrays of zmm on the stack), so throughput, not
 * latency, bounds the loop. Run by scripts/cpu-peak.sh.
 */
#include <stdio.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define ONE(op, r) op " %%zmm30, %%zmm31, %%zmm" #r "\n\t"
#define EIGHT(op, a, b, c, d, e, f, g, h) ONE(op, a) ONE(op, b) ONE(op, c) ONE(op, d) ONE(op, e) ONE(op, f) ONE(op, g) ONE(op, h)
#define LOOP(op) \
    __asm__ volatile("vpxord %%zmm30, %%zmm30, %%zmm30\n\tvpxord %%zmm31, %%zmm31, %%zmm31\n\t1:\n\t" \
                     EIGHT(op, 0, 1, 2, 3, 4, 5, 6, 7) EIGHT(op, 8, 9, 10, 11, 12, 13, 14, 15) \
                     EIGHT(op, 16, 17, 18, 19, 20, 21, 22, 23) "dec %0\n\tjnz 1b" \
                     : "+r"(n) :: "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", \
                       "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", \
                       "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm30", "xmm31")

static void vnni(long n) { LOOP("vpdpbusd"); }
static void fp32_fma(long n) { LOOP("vfmadd231ps"); }

int main(void) {
    const long n = 100000000;
    double best_i8 = 0, best_f32 = 0;
    for (int r = 0; r < 3; r++) {
        double t0 = now();
        vnni(n);
        double i8 = n * 24 * 128.0 / (now() - t0) / 1e9;
        t0 = now();
        fp32_fma(n);
        double f32 = n * 24 * 32.0 / (now() - t0) / 1e9;
        best_i8 = i8 > best_i8 ? i8 : best_i8;
        best_f32 = f32 > best_f32 ? f32 : best_f32;
    }
    printf("int8 peak (vpdpbusd zmm): %.0f GOP/s\nfp32 peak (vfmadd231ps zmm): %.0f GFLOP/s\nratio: %.2f\n", best_i8,
           best_f32, best_i8 / best_f32);
    return 0;
}
