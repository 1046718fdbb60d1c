/*
 * One native int8 conv layer timed in C, best of 5 (each run at least ~30 GOP of work): the numbers behind the
 * per-layer GOP/s figures in the closing notes, without the JVM. Arguments: in-channels out-channels size kernel
 * stride images [groups] (square planes, padding kernel / 2; groups = channels for a depthwise conv).
 * QL_COLUMNS_ONLY=1 disables the pixel-row and channel-last paths (ql_conv.c, ql_conv_nhwc.c), for side-by-side
 * comparisons. Every run also checks the chosen path's output against the column path's, byte for byte. Built
 * against the library sources by scripts/int8-conv-bench.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include "ql_conv_impl.h"
#include "layer_args.h"

int main(int argc, char **argv) {
    bench_layer l;
    if (!bench_layer_parse(argc, argv, &l)) {
        return 2;
    }
    int c = l.c, m = l.m, h = l.h, k = l.k, s = l.s, images = l.images, groups = l.groups, p = l.p, o = l.o;
    ql_conv_spec sp = {c, h, h, m, groups, k, k, s, s, 1, 1, p, p, o, o, 3, 5, 0, 255};
    size_t wn = (size_t) m * (c / groups) * k * k;
    int8_t *w = malloc(wn);
    int32_t *off = malloc(sizeof(int32_t) * (size_t) m);
    float *mult = malloc(sizeof(float) * (size_t) m);
    srand(1);
    for (size_t i = 0; i < wn; i++) w[i] = (int8_t) (rand() % 255 - 127);
    for (int i = 0; i < m; i++) {
        off[i] = rand() % 1000;
        mult[i] = 0.0001f;
    }
    ql_conv *cv = ql_conv_new(ql_ops_for(0), &sp, w, off, mult);
    if (cv == NULL) {
        fprintf(stderr, "ql_conv_new failed\n");
        return 1;
    }
    ql_conv *columns = ql_conv_new(ql_ops_for(0), &sp, w, off, mult);
    if (columns == NULL) {
        fprintf(stderr, "ql_conv_new failed\n");
        return 1;
    }
    /* the pixel-row and channel-last paths need their panels: without them the column path runs */
    free(columns->bvec);
    columns->bvec = NULL;
    ql_nhwc_free(columns);
    if (getenv("QL_COLUMNS_ONLY") != NULL) {
        ql_conv *t = cv;
        cv = columns;
        columns = t;
    }
    size_t xn = (size_t) images * c * h * h;
    uint8_t *x = malloc(xn), *y = malloc((size_t) images * m * o * o);
    for (size_t i = 0; i < xn; i++) x[i] = (uint8_t) rand();
    uint8_t *scratch = malloc(ql_conv_scratch(cv, images));
    size_t yn = (size_t) images * m * o * o;
    uint8_t *y2 = malloc(yn), *scratch2 = malloc(ql_conv_scratch(columns, images));
    ql_conv_run(cv, x, images, y, scratch);
    ql_conv_run(columns, x, images, y2, scratch2);
    size_t differ = 0;
    for (size_t i = 0; i < yn; i++) differ += y[i] != y2[i];
    if (differ != 0) {
        fprintf(stderr, "MISMATCH: %zu of %zu output bytes differ from the column path\n", differ, yn);
        return 1;
    }
    double ops = 2.0 * m * (c / groups) * k * k * o * o * images;
    int iters = (int) (3e10 / ops) + 1;
    double best = 1e9;
    for (int r = 0; r < 5; r++) {
        double t0 = bench_now();
        for (int i = 0; i < iters; i++) ql_conv_run(cv, x, images, y, scratch);
        double dt = (bench_now() - t0) / iters;
        if (dt < best) best = dt;
    }
    printf("conv %d->%d %dx%d k%d s%d batch %d groups %d (%s, %s): %.1f us, %.0f GOP/s\n", c, m, h, h, k, s, images, groups,
           ql_ops_for(0)->name, getenv("QL_COLUMNS_ONLY") ? "columns only" : "auto path", best * 1e6, ops / best / 1e9);
    ql_conv_free(cv);
    ql_conv_free(columns);
    return 0;
}
