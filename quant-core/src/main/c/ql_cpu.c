/*
 * CPU feature detection, done once: which dispatch levels this CPU runs. An instruction set counts only when the
 * CPU reports it (cpuid) and the OS saves its registers across context switches (XGETBV): a kernel that uses
 * zmm registers on an OS that does not save them would corrupt other threads' state silently.
 */
#include <cpuid.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "ql_int8.h"
#include "ql_float.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int levels;
static int fma;
static char description[256];

static uint64_t xgetbv0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t) hi << 32) | lo;
}

static void detect(void) {
    unsigned a, b, c, d;
    unsigned max = __get_cpuid_max(0, NULL);
    int osxsave = 0, avx = 0, fma3 = 0;
    if (max >= 1 && __get_cpuid(1, &a, &b, &c, &d)) {
        fma3 = (c >> 12) & 1;
        osxsave = (c >> 27) & 1;
        avx = (c >> 28) & 1;
    }
    uint64_t xcr0 = osxsave ? xgetbv0() : 0;
    int os_avx = (xcr0 & 0x6) == 0x6;            /* XMM and YMM state */
    int os_avx512 = os_avx && (xcr0 & 0xE0) == 0xE0; /* opmask, ZMM_Hi256, Hi16_ZMM state */
    unsigned b7 = 0, c7 = 0, d7 = 0, a71 = 0;
    if (max >= 7) {
        __cpuid_count(7, 0, a, b7, c7, d7);
        __cpuid_count(7, 1, a71, b, c, d);
    }
    int avx2 = avx && os_avx && ((b7 >> 5) & 1);
    int avx512f = (b7 >> 16) & 1, avx512bw = (b7 >> 30) & 1, avx512vl = (b7 >> 31) & 1;
    int avx512vnni = (c7 >> 11) & 1;
    int avxvnni = (a71 >> 4) & 1;
    int amx_int8 = (d7 >> 25) & 1, amx_tile = (d7 >> 24) & 1;

    if (os_avx512 && avx2 && avx512f && avx512bw && avx512vl && avx512vnni) {
        levels |= 1 << QL_AVX512_VNNI;
    }
    if (avx2 && avxvnni) {
        levels |= 1 << QL_AVX_VNNI;
    }
    if (avx2) {
        levels |= 1 << QL_AVX2;
    }
    fma = avx2 && fma3;
    snprintf(description, sizeof description,
             "avx2=%d fma=%d avx512f=%d avx512bw=%d avx512vl=%d avx512vnni=%d avxvnni=%d os-avx512=%d amx-tile=%d "
             "amx-int8=%d (AMX has no kernel here)",
             avx2, fma3, avx512f, avx512bw, avx512vl, avx512vnni, avxvnni, os_avx512, amx_tile, amx_int8);
}

int ql_cpu_levels(void) {
    pthread_once(&once, detect);
    return levels;
}

const char *ql_cpu_description(void) {
    pthread_once(&once, detect);
    return description;
}

const ql_ops *ql_ops_for(int level) {
    if (level < 0 || level >= QL_LEVELS || !(ql_cpu_levels() & (1 << level))) {
        return NULL;
    }
    switch (level) {
        case QL_AVX512_VNNI: return &ql_ops_avx512vnni;
        case QL_AVX_VNNI: return &ql_ops_avxvnni;
        default: return &ql_ops_avx2;
    }
}

int ql_cpu_fma(void) {
    pthread_once(&once, detect);
    return fma;
}

const ql_fops *ql_fops_for(int level) {
    if (ql_ops_for(level) == NULL || !ql_cpu_fma()) {
        return NULL;
    }
    /* The avx512vnni level requires AVX-512F (and the OS's zmm state) already. */
    return level == QL_AVX512_VNNI ? &ql_fops_avx512 : &ql_fops_avx2;
}
