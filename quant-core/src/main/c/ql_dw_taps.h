/*
 * A level's depthwise plane kernel (ql_ops.dw_plane), included by each level's file after its requant_row, so the
 * plain loops below are compiled, and auto-vectorised by gcc -O3, for that level's target (QL_T). Taps outer, one
 * contiguous multiply-add per tap:
 * - stride 1: the output is computed in "wide" rows of the padded plane's width pw (the extra pw - ow columns are
 *   computed and never stored), so each tap is one run of oh * pw accumulators over the flat plane: a handful of
 *   long loops instead of a loop per output row (MobileNetV2's 7-28 column rows left vectors mostly empty);
 * - stride 2 (columns): a loop per output row and tap with a constant stride 2, which gcc vectorises with permutes
 *   (splitting the plane into even and odd column phases first measured no faster);
 * - anything else: 0, and the generic C loop runs.
 * Sums wrap (uint32) like Java ints; |w * x| <= 32,640 is exact. Results equal the reference bit for bit.
 */
QL_T static int dw_plane(const ql_dw_plane *d) {
    uint32_t *acc = (uint32_t *) d->tmp;
    const int8_t *w = d->w;
    if (d->sh == 1 && d->sw == 1) {
        /* tap (i, j) reads P[oh + i*dh][ow + j*dw] = flat[(i*dh)*pw + j*dw + (oh*pw + ow)]; the wide columns run up
         * to (kw-1)*dw bytes past the plane's last row, into the slack */
        if ((d->kw - 1) * d->dw > QL_DW_SLACK) return 0;
        size_t n = (size_t) d->oh * (size_t) d->pw;
        memset(acc, 0, n * sizeof(uint32_t));
        for (int i = 0; i < d->kh; i++) {
            for (int j = 0; j < d->kw; j++) {
                const uint8_t *src = d->p + (size_t) (i * d->dh) * (size_t) d->pw + (size_t) (j * d->dw);
                int32_t wv = w[i * d->kw + j];
                for (size_t t = 0; t < n; t++) acc[t] += (uint32_t) (wv * (int32_t) src[t]);
            }
        }
        for (int oh = 0; oh < d->oh; oh++) {
            requant_row((const int32_t *) acc + (size_t) oh * d->pw, d->ow, d->base, d->mult, d->rq,
                        d->y + (size_t) oh * d->ow);
        }
        return 1;
    }
    if (d->sw == 2) {
        for (int oh = 0; oh < d->oh; oh++) {
            memset(acc, 0, (size_t) d->ow * sizeof(uint32_t));
            for (int i = 0; i < d->kh; i++) {
                const uint8_t *row = d->p + (size_t) (oh * d->sh + i * d->dh) * (size_t) d->pw;
                for (int j = 0; j < d->kw; j++) {
                    const uint8_t *src = row + j * d->dw;
                    int32_t wv = w[i * d->kw + j];
                    for (int ow = 0; ow < d->ow; ow++) acc[ow] += (uint32_t) (wv * (int32_t) src[2 * ow]);
                }
            }
            requant_row((const int32_t *) acc, d->ow, d->base, d->mult, d->rq, d->y + (size_t) oh * d->ow);
        }
        return 1;
    }
    return 0;
}
