/*
 * Shared by the C layer harnesses (int8_conv_bench.c, float_conv_bench.c): the layer shape from the command line and
 * a monotonic clock. Arguments: in-channels out-channels size kernel stride images [groups] (square planes, padding
 * kernel / 2).
 */
#ifndef QL_BENCH_LAYER_ARGS_H
#define QL_BENCH_LAYER_ARGS_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
    int c, m, h, k, s, images, groups;
    int p, o;  /* padding, output size */
} bench_layer;

/* 1 with l filled, or 0 after printing the usage line. */
static int bench_layer_parse(int argc, char **argv, bench_layer *l) {
    if (argc != 7 && argc != 8) {
        fprintf(stderr, "usage: %s in-channels out-channels size kernel stride images [groups]\n", argv[0]);
        return 0;
    }
    l->c = atoi(argv[1]);
    l->m = atoi(argv[2]);
    l->h = atoi(argv[3]);
    l->k = atoi(argv[4]);
    l->s = atoi(argv[5]);
    l->images = atoi(argv[6]);
    l->groups = argc == 8 ? atoi(argv[7]) : 1;
    l->p = l->k / 2;
    l->o = (l->h + 2 * l->p - l->k) / l->s + 1;
    return 1;
}

static double bench_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

#endif
