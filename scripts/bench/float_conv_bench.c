/*
 * One native fp32 conv layer timed in C, best of 5, on the best float level this CPU runs, two ways side by side in
 * one binary: with the level's newer paths (the channel-blocked depthwise kernel dw_cblock, the pixel-major
 * pointwise path through transpose) and without them (the per-plane depthwise kernel, the column tiles). Every run
 * first checks that the two give the same bits. Arguments: in-channels out-channels size kernel stride images
 * [groups] (square planes, padding kernel / 2; groups = channels for a depthwise conv). Built against the library
 * sources by scripts/float-conv-bench.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ql_fconv_impl.h"
#include "layer_args.h"

static double best_of_5(const ql_fconv *cv, const float *x, int images, float *y, float *scratch, int iters) {
    double best = 1e9;
    for (int r = 0; r < 5; r++) {
        double t0 = bench_now();
        for (int i = 0; i < iters; i++) ql_fconv_run(cv, x, images, y, scratch);
        double dt = (bench_now() - t0) / iters;
        if (dt < best) best = dt;
    }
    return best;
}

int main(int argc, char **argv) {
    bench_layer l;
    if (!bench_layer_parse(argc, argv, &l)) {
        return 2;
    }
    int c = l.c, m = l.m, h = l.h, k = l.k, s = l.s, images = l.images, groups = l.groups, p = l.p, o = l.o;
    const ql_fops *ops = ql_fops_for(0);
    if (ops == NULL) {
        fprintf(stderr, "this CPU runs no native float level\n");
        return 1;
    }
    ql_fops older = *ops;
    older.dw_cblock = NULL;
    older.transpose = NULL;
    ql_fconv_spec sp = {c, h, h, m, groups, k, k, s, s, 1, 1, p, p, o, o};
    size_t wn = (size_t) m * (c / groups) * k * k, xn = (size_t) images * c * h * h, yn = (size_t) images * m * o * o;
    float *w = malloc(sizeof(float) * wn), *bias = malloc(sizeof(float) * m), *x = malloc(sizeof(float) * xn);
    srand(1);
    for (size_t i = 0; i < wn; i++) w[i] = (float) rand() / RAND_MAX - 0.5f;
    for (int i = 0; i < m; i++) bias[i] = (float) rand() / RAND_MAX - 0.5f;
    for (size_t i = 0; i < xn; i++) x[i] = (float) rand() / RAND_MAX - 0.5f;
    ql_fconv *newer = ql_fconv_new(ops, &sp, 0.0f, 6.0f, w, bias);
    ql_fconv *old = ql_fconv_new(&older, &sp, 0.0f, 6.0f, w, bias);
    if (newer == NULL || old == NULL) {
        fprintf(stderr, "ql_fconv_new failed\n");
        return 1;
    }
    float *y1 = malloc(sizeof(float) * yn), *y2 = malloc(sizeof(float) * yn);
    float *s1 = malloc(sizeof(float) * ql_fconv_scratch(newer, images));
    float *s2 = malloc(sizeof(float) * ql_fconv_scratch(old, images));
    ql_fconv_run(newer, x, images, y1, s1);
    ql_fconv_run(old, x, images, y2, s2);
    if (memcmp(y1, y2, sizeof(float) * yn) != 0) {
        size_t differ = 0;
        for (size_t i = 0; i < yn; i++) differ += memcmp(y1 + i, y2 + i, sizeof(float)) != 0;
        fprintf(stderr, "MISMATCH: %zu of %zu outputs differ between the two ways\n", differ, yn);
        return 1;
    }
    const char *path = newer->pixel_major ? "pixel-major" : newer->wc != NULL ? "channel-blocked" : "same path";
    double flops = 2.0 * m * (c / groups) * k * k * o * o * images;
    int iters = (int) (2e9 / flops) + 1;
    double tn = best_of_5(newer, x, images, y1, s1, iters), to = best_of_5(old, x, images, y2, s2, iters);
    printf("conv %d->%d %dx%d k%d s%d batch %d groups %d (%s): without %.1f us, %s %.1f us (%.2fx, %.0f GFLOP/s)\n",
           c, m, h, h, k, s, images, groups, ops->name, to * 1e6, path, tn * 1e6, to / tn, flops / tn / 1e9);
    return 0;
}
