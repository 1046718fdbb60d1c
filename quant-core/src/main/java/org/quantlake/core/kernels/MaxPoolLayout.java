package org.quantlake.core.kernels;

/**
 * Where a separable max pool keeps its intermediate planes in scratch (shared by {@link MaxPoolPlane} and
 * {@link Int8MaxPoolPlane}). A max over a kh x kw window is a max over kh rows of a max over kw columns, so the pool
 * runs in two passes of long contiguous row operations:
 * <ol>
 *   <li>vertical: the plane is copied into a padded plane split into <em>row</em> stride phases only
 *       ({@link PaddedPhases} with one column phase, so every copy is a plain {@code arraycopy}), and each of the kh
 *       row taps is one run over all outH output rows at the full padded width pw: V[oh][c] = max over the window's
 *       rows of P[row][c];</li>
 *   <li>horizontal: H[t] = max over j of V[t + j * dw], kw runs over V read flat (columns past a row's last window
 *       read the next row and are dropped);</li>
 * </ol>
 * then output (oh, ow) is H[oh][ow * sw]: a plain row copy for stride 1, a strided gather otherwise. The only scalar
 * work is that gather of outH * outW values; the full-plane stride-phase split it replaces was a scalar strided copy
 * of every input value (a third of SqueezeNet's int8 time).
 *
 * <p>Scratch: [row phases | slack | V (outH * pw) | (kw - 1) * dw pad | H (outH * pw)].
 */
final class MaxPoolLayout {
    final PaddedPhases rows;
    final int kh, kw, sw, dw, outH, outW, pw, run, vOff, vSlack, hOff, size;
    /** {inH, inW, outH, outW, kh, kw, sh, sw, dh, dw, padTop, padLeft}: the native library's layout (ql_int8.h). */
    final int[] geometry;

    MaxPoolLayout(int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw, int padTop, int padLeft,
                  int outH, int outW) {
        // the padded width every window (and every input column) lies in
        long wp = Math.max((long) padLeft + inW, (long) (outW - 1) * sw + (long) (kw - 1) * dw + 1);
        rows = new PaddedPhases(inH, inW, kh, 1, sh, 1, dh, 1, padTop, padLeft, outH, Math.toIntExact(wp));
        this.kh = kh;
        this.kw = kw;
        this.sw = sw;
        this.dw = dw;
        this.outH = outH;
        this.outW = outW;
        pw = rows.pw;
        run = rows.run();
        vOff = rows.wideOff;
        vSlack = Math.multiplyExact(kw - 1, dw);
        hOff = Math.addExact(Math.addExact(vOff, run), vSlack);
        size = Math.addExact(hOff, run);
        geometry = new int[] {inH, inW, outH, outW, kh, kw, sh, sw, dh, dw, padTop, padLeft};
    }

    /** Values of one input plane. */
    int inSize() {
        return geometry[0] * geometry[1];
    }

    /** Values of one output plane. */
    int outSize() {
        return outH * outW;
    }

    /** Start, in the scratch, of row tap i's run (vertical pass). */
    int rowTap(int i) {
        return rows.tap(i, 0);
    }
}
