/*
 * A level's depthwise plane kernel (ql_ops.dw_plane), included by each level's file after its requant_row, so the
 * plain loops below are compiled, and auto-vectorised by gcc -O3, for that level's target (QL_T). Taps outer, one
 * contiguous multiply-add per tap:
 * - stride 1: the output is computed in "wide" rows of the padded plane's width pw (the extra pw - ow columns are
 *   computed and never stored), so each tap is one run of oh * pw accumulators over the flat plane: a handful of
 *   long loops instead of a loop per output row (MobileNetV2's 7-28 column rows left vectors mostly empty);
 * - stride 2 x 2 without dilation: the plane is split into its four stride phases once, then as stride 1 (one run of
 *   oh * q accumulators per tap over wide rows of the phase width q);
 * - other column stride 2: a loop per output row and tap with a constant stride 2, which gcc vectorises with permutes
 *   (splitting only the columns into even and odd phases measured no faster);
 * - anything else: 0, and the generic C loop runs.
 * Sums wrap (uint32) like Java ints; |w * x| <= 32,640 is exact. Results equal the reference bit for bit.
 */
/*
 * The tap loop both flat paths share: the plane split into sh x sw stride phases of `phase` bytes each (one phase, the
 * padded plane itself, for stride 1), every phase row q bytes wide. Tap (i, j) reads phase ((i*dh) % sh, (j*dw) % sw)
 * from row (i*dh) / sh, column (j*dw) / sw, as one run of oh * q accumulators; then each output row's first ow
 * accumulators are requantized.
 */
QL_T static void dw_phase_runs(const ql_dw_plane *d, const uint8_t *phases, size_t phase, int q, int sh, int sw,
                               uint32_t *acc) {
    size_t n = (size_t) d->oh * (size_t) q;
    memset(acc, 0, n * sizeof(uint32_t));
    for (int i = 0; i < d->kh; i++) {
        int ri = i * d->dh;
        for (int j = 0; j < d->kw; j++) {
            int cj = j * d->dw;
            const uint8_t *src = phases + (size_t) ((ri % sh) * sw + cj % sw) * phase + (size_t) (ri / sh) * (size_t) q
                                 + (size_t) (cj / sw);
            int32_t wv = d->w[i * d->kw + j];
            for (size_t t = 0; t < n; t++) acc[t] += (uint32_t) (wv * (int32_t) src[t]);
        }
    }
    for (int oh = 0; oh < d->oh; oh++) {
        requant_row((const int32_t *) acc + (size_t) oh * (size_t) q, d->ow, d->base, d->mult, d->rq,
                    d->y + (size_t) oh * d->ow);
    }
}

QL_T static int dw_plane(const ql_dw_plane *d) {
    uint32_t *acc = (uint32_t *) d->tmp;
    const int8_t *w = d->w;
    if (d->sh == 1 && d->sw == 1) {
        /* tap (i, j) reads P[oh + i*dh][ow + j*dw] = flat[(i*dh)*pw + j*dw + (oh*pw + ow)]; the wide columns run up
         * to (kw-1)*dw bytes past the plane's last row, into the slack */
        if ((d->kw - 1) * d->dw > QL_DW_SLACK) return 0;
        dw_phase_runs(d, d->p, 0, d->pw, 1, 1, acc);
        return 1;
    }
    if (d->sh == 2 && d->sw == 2 && d->dh == 1 && d->dw == 1 && d->kw <= 2 * QL_DW_SLACK) {
        /* Split the padded plane into its four stride phases once, Q[rp][cp][a][b] = P[2a + rp][2b + cp] (ph2 x q
         * each), so tap (i, j) reads Q[i & 1][j & 1][oh + i/2][ow + j/2]: like stride 1, one run of oh * q
         * accumulators per tap over wide rows of width q. Runs may read (kw-1)/2 bytes past a phase, into the next
         * phase or the slack, for dropped columns only. */
        int ph = (d->oh - 1) * 2 + d->kh;
        int ph2 = (ph + 1) / 2, q = (d->pw + 1) / 2;
        size_t phase = (size_t) ph2 * (size_t) q;
        size_t n = (size_t) d->oh * (size_t) q;
        uint8_t *qs = (uint8_t *) (acc + n + 16);
        for (int r = 0; r < ph; r++) {
            const uint8_t *src = d->p + (size_t) r * (size_t) d->pw;
            uint8_t *e = qs + (size_t) ((r & 1) * 2) * phase + (size_t) (r >> 1) * q;
            uint8_t *o = e + phase;
            for (int c = 0; c < d->pw / 2; c++) {
                e[c] = src[2 * c];
                o[c] = src[2 * c + 1];
            }
            if (d->pw & 1) {
                e[q - 1] = src[d->pw - 1];
                o[q - 1] = 0;
            }
        }
        ql_dw_phases_finish(qs, phase, ph, ph2, q);
        dw_phase_runs(d, qs, phase, q, 2, 2, acc);
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
