package org.quantlake.core.kernels;

import java.util.Arrays;

/**
 * Turns a sliding-window op over one plane (depthwise conv, max pool) into a handful of long contiguous row
 * operations, one per window tap. The input is copied once into a padded plane (pad value: 0 for conv, -Inf for
 * max), split into {@code sh * sw} stride phases (phase (r, p) holds padded rows r, r + sh, ... and columns
 * p, p + sw, ...), each {@code ph x pw}. Tap (i, j) then reads, for every output (oh, ow), phase element
 * {@code (oh + ri, ow + cj)} with fixed (ri, cj): one run of {@code outH * pw} values in "wide" output coordinates
 * (row length pw instead of outW; the columns past outW are computed and dropped when the result is compacted).
 * So a 3x3 window costs nine vector calls per plane, whatever the rows' length (MobileNetV2's 7-56 column rows made a
 * call per row and tap the bottleneck).
 *
 * <p>Scratch layout: [phases (sh*sw*ph*pw) | slack | wide output (outH*pw)]. The slack lets the last tap's run read
 * past the last phase (into pad values) for dropped columns only.
 */
final class PaddedPhases {
    final int inH, inW, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW;
    final int ph, pw, phaseSize, wideOff, size;
    /** Pad runs (pairs) and input copies (triples) of {@link #load}, planned once per geometry. */
    private final int[] padRuns, copies;

    PaddedPhases(int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw, int padTop, int padLeft,
                 int outH, int outW) {
        this.inH = inH; this.inW = inW; this.kh = kh; this.kw = kw; this.sh = sh; this.sw = sw; this.dh = dh;
        this.dw = dw; this.padTop = padTop; this.padLeft = padLeft; this.outH = outH; this.outW = outW;
        // the padded extent every window (and every input) lies in; ceil_mode windows may end past the bottom padding
        long hp = Math.max((long) padTop + inH, (long) (outH - 1) * sh + (long) (kh - 1) * dh + 1);
        long wp = Math.max((long) padLeft + inW, (long) (outW - 1) * sw + (long) (kw - 1) * dw + 1);
        ph = Math.toIntExact((hp + sh - 1) / sh);
        pw = Math.toIntExact((wp + sw - 1) / sw);
        phaseSize = Math.multiplyExact(ph, pw);
        int slack = (kw - 1) * dw / sw + 1;
        wideOff = Math.addExact(Math.multiplyExact(sh * sw, phaseSize), slack);
        size = Math.addExact(wideOff, Math.multiplyExact(outH, pw));
        padRuns = padRuns();
        copies = copies();
    }

    /** Copies plane x into the padded phases of {@code s}, everything else of the phases (and slack) = pad. */
    void load(float[] x, int xOff, float pad, float[] s) {
        for (int r = 0; r < padRuns.length; r += 2) {
            Arrays.fill(s, padRuns[r], padRuns[r + 1], pad);
        }
        for (int c = 0; c < copies.length; c += 3) {
            int from = xOff + copies[c], d = copies[c + 1], count = copies[c + 2];
            if (sw == 1) {
                System.arraycopy(x, from, s, d, count);
            } else {
                // a counted loop with indices affine in t: C2 hoists the range checks and unrolls it
                for (int t = 0; t < count; t++) {
                    s[d + t] = x[from + t * sw];
                }
            }
        }
    }

    /** As {@link #load(float[], int, float, float[])}, for bytes (the int8 max pool). */
    void load(byte[] x, int xOff, byte pad, byte[] s) {
        for (int r = 0; r < padRuns.length; r += 2) {
            Arrays.fill(s, padRuns[r], padRuns[r + 1], pad);
        }
        for (int c = 0; c < copies.length; c += 3) {
            int from = xOff + copies[c], d = copies[c + 1], count = copies[c + 2];
            if (sw == 1) {
                System.arraycopy(x, from, s, d, count);
            } else {
                for (int t = 0; t < count; t++) {
                    s[d + t] = x[from + t * sw];
                }
            }
        }
    }

    /**
     * The runs [from, to) of phase cells no input lands in (and the slack), as pairs: only these get the pad value
     * (filling every cell first cost a third of a strided max pool).
     */
    private int[] padRuns() {
        IntList runs = new IntList();
        for (int r = 0; r < sh; r++) {
            for (int p = 0; p < sw; p++) {
                int base = (r * sw + p) * phaseSize;
                // phase columns b hold padded column b * sw + p: inputs where padLeft <= b * sw + p < padLeft + inW
                int bLo = Math.min(pw, Math.max(0, Math.floorDiv(padLeft - p + sw - 1, sw)));
                int bHi = Math.min(pw, Math.max(bLo, Math.floorDiv(padLeft + inW - p + sw - 1, sw)));
                for (int a = 0; a < ph; a++) {
                    int row = a * sh + r;
                    int start = base + a * pw;
                    if (row < padTop || row >= padTop + inH) {
                        runs.add(start, start + pw);
                    } else {
                        if (bLo > 0) runs.add(start, start + bLo);
                        if (bHi < pw) runs.add(start + bHi, start + pw);
                    }
                }
            }
        }
        runs.add(sh * sw * phaseSize, wideOff);
        return runs.toArray();
    }

    /**
     * The copies from the input plane into the phases, as triples (source offset in the plane, destination, count),
     * each reading every sw-th input column: per input row, one per column phase its columns land in.
     */
    private int[] copies() {
        IntList copies = new IntList();
        for (int ih = 0; ih < inH; ih++) {
            int a = ih + padTop;
            int rowBase = (a % sh) * sw * phaseSize + (a / sh) * pw;
            for (int p = 0; p < sw; p++) {
                // the input columns landing in column phase p: (iw + padLeft) % sw == p
                int iw0 = Math.floorMod(p - padLeft, sw);
                int count = iw0 < inW ? (inW - iw0 + sw - 1) / sw : 0;
                if (count > 0) copies.add(ih * inW + iw0, rowBase + p * phaseSize + (iw0 + padLeft) / sw, count);
            }
        }
        return copies.toArray();
    }

    /** A growable int array (the plans are built once per layer). */
    private static final class IntList {
        private int[] v = new int[16];
        private int n;

        void add(int... xs) {
            for (int x : xs) {
                if (n == v.length) v = Arrays.copyOf(v, 2 * n);
                v[n++] = x;
            }
        }

        int[] toArray() {
            return Arrays.copyOf(v, n);
        }
    }

    /** Start, in the scratch, of tap (i, j)'s run of outH * pw inputs. */
    int tap(int i, int j) {
        int ri = i * dh;
        int cj = j * dw;
        return ((ri % sh) * sw + cj % sw) * phaseSize + (ri / sh) * pw + cj / sw;
    }

    /** Length of every tap's run (and of the wide output). */
    int run() {
        return outH * pw;
    }

    /** Copies the wide output's first outW columns of each row to out. */
    void store(float[] s, float[] out, int outOff) {
        for (int oh = 0; oh < outH; oh++) {
            System.arraycopy(s, wideOff + oh * pw, out, outOff + oh * outW, outW);
        }
    }
}
