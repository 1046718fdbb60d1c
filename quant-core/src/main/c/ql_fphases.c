/*
 * Zero-padded stride phases of input planes, the float conv's one copy of its input (direct GEMM path and
 * depthwise): channel ci's phase (rp, cp) holds P[a * sh + rp][b * sw + cp] = x[ci][a * sh + rp - pt][b * sw + cp - pl]
 * (0 outside x) at q + (ci * sh * sw + rp * sw + cp) * phase + a * qw + b. With stride 1 that is the padded plane;
 * with stride 2 the level's gather2 splits a row's even and odd columns with vector permutes.
 */
#include <string.h>
#include "ql_fconv_impl.h"

/* Whether some tap reads phase row rp (rows) or phase column cp (columns): a 1x1 stride-2 conv reads only phase
 * (0, 0), a quarter of its input; the others are left as they are (only dropped wide columns may read into them). */
static int tap_reads(int k, int d, int s, int p) {
    for (int i = 0; i < k; i++) {
        if ((i * d) % s == p) return 1;
    }
    return 0;
}

void ql_fphases_load(const ql_fops *ops, const ql_fconv_spec *s, int channels, int ph2, int qw, size_t phase,
                     const float *x, float *q) {
    for (int ci = 0; ci < channels; ci++) {
        const float *plane = x + (size_t) ci * s->ih * s->iw;
        for (int rp = 0; rp < s->sh; rp++) {
            if (!tap_reads(s->kh, s->dh, s->sh, rp)) continue;
            for (int cp = 0; cp < s->sw; cp++) {
                if (!tap_reads(s->kw, s->dw, s->sw, cp)) continue;
                float *ph = q + (size_t) ((ci * s->sh + rp) * s->sw + cp) * phase;
                /* Phase columns [b0, b1) read real input: 0 <= b * sw - lead < iw. */
                int lead = s->pl - cp;
                int b0 = lead <= 0 ? 0 : (lead + s->sw - 1) / s->sw;
                int b1 = (s->iw + lead + s->sw - 1) / s->sw;
                if (b0 > qw) b0 = qw;
                if (b1 > qw) b1 = qw;
                if (b1 < b0) b1 = b0;
                for (int a = 0; a < ph2; a++) {
                    float *row = ph + (size_t) a * qw;
                    int ih = a * s->sh + rp - s->pt;
                    if (ih < 0 || ih >= s->ih) {
                        memset(row, 0, sizeof(float) * (size_t) qw);
                        continue;
                    }
                    const float *in = plane + (size_t) ih * s->iw;
                    memset(row, 0, sizeof(float) * (size_t) b0);
                    if (s->sw == 1) {
                        memcpy(row + b0, in + (b0 - lead), sizeof(float) * (size_t) (b1 - b0));
                    } else if (s->sw == 2) {
                        ops->gather2(in + (2 * b0 - lead), row + b0, b1 - b0);
                    } else {
                        for (int b = b0; b < b1; b++) {
                            row[b] = in[b * s->sw - lead];
                        }
                    }
                    memset(row + b1, 0, sizeof(float) * (size_t) (qw - b1));
                }
            }
        }
    }
}
