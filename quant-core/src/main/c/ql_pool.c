/*
 * uint8 max pooling, separably: per output row, the max over the window's input rows (skipping rows in the
 * padding), placed in a zero-padded row, then the max over each window's columns. The padding is 0, the smallest
 * uint8, so it never wins and a window entirely in the padding gives 0: the definition Int8MaxPoolPlane (Java)
 * implements, byte for byte. Plain C (any x86-64): gcc -O3 vectorises the row passes; it is memory-bound.
 */
#include <string.h>
#include "ql_int8.h"

static inline uint8_t max8(uint8_t a, uint8_t b) {
    return a > b ? a : b;
}

/* out[o] = max over j < kw of row[o * sw + j * dw]; the common geometries get constant strides. */
static void columns(uint8_t *out, const uint8_t *row, int ow, int kw, int sw, int dw) {
    if (kw == 3 && sw == 2 && dw == 1) {
        for (int o = 0; o < ow; o++) out[o] = max8(max8(row[2 * o], row[2 * o + 1]), row[2 * o + 2]);
    } else if (kw == 3 && sw == 1 && dw == 1) {
        for (int o = 0; o < ow; o++) out[o] = max8(max8(row[o], row[o + 1]), row[o + 2]);
    } else if (kw == 2 && sw == 2 && dw == 1) {
        for (int o = 0; o < ow; o++) out[o] = max8(row[2 * o], row[2 * o + 1]);
    } else {
        for (int o = 0; o < ow; o++) {
            uint8_t m = row[(long) o * sw];
            for (int j = 1; j < kw; j++) m = max8(m, row[(long) o * sw + (long) j * dw]);
            out[o] = m;
        }
    }
}

size_t ql_maxpool_u8_scratch(const int *g) {
    int iw = g[1], ow = g[3], kw = g[5], sw = g[7], dw = g[9], pl = g[11];
    long a = (long) pl + iw, b = (long) (ow - 1) * sw + (long) (kw - 1) * dw + 1;
    return (size_t) (a > b ? a : b);
}

void ql_maxpool_u8(const int *g, const uint8_t *x, long planes, uint8_t *y, uint8_t *row) {
    int ih = g[0], iw = g[1], oh = g[2], ow = g[3], kh = g[4], kw = g[5], sh = g[6], sw = g[7], dh = g[8], dw = g[9];
    int pt = g[10], pl = g[11];
    memset(row, 0, ql_maxpool_u8_scratch(g));  /* only [pl, pl + iw) is ever written again */
    uint8_t *r = row + pl;
    for (long p = 0; p < planes; p++) {
        const uint8_t *in = x + (size_t) p * (size_t) ih * (size_t) iw;
        uint8_t *out = y + (size_t) p * (size_t) oh * (size_t) ow;
        for (int o = 0; o < oh; o++) {
            int first = 1;
            for (int i = 0; i < kh; i++) {
                long yi = (long) o * sh - pt + (long) i * dh;
                if (yi < 0 || yi >= ih) continue;
                const uint8_t *src = in + (size_t) yi * (size_t) iw;
                if (first) {
                    memcpy(r, src, (size_t) iw);
                    first = 0;
                } else {
                    for (int c = 0; c < iw; c++) r[c] = max8(r[c], src[c]);
                }
            }
            if (first) memset(r, 0, (size_t) iw);
            columns(out + (size_t) o * (size_t) ow, row, ow, kw, sw, dw);
        }
    }
}
