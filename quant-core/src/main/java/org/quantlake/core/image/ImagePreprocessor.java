package org.quantlake.core.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Decodes and preprocesses images per a {@link PreprocessSpec}. Greyscale images are replicated to three channels
 * for colour models (23 of the shared ImageNet samples are greyscale). Stateless and thread-safe.
 */
public final class ImagePreprocessor {
    static {
        // decode from memory without ImageIO's temp-file cache: executors should not write a file per image
        ImageIO.setUseCache(false);
    }

    private final PreprocessSpec spec;

    public ImagePreprocessor(PreprocessSpec spec) {
        this.spec = spec;
    }

    public PreprocessSpec spec() { return spec; }

    /** Decodes encoded bytes (JPEG, PNG, BMP, GIF); throws {@link IllegalArgumentException} saying why when it cannot. */
    public static BufferedImage decode(byte[] encoded) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(encoded));
            if (img == null) throw new IllegalArgumentException("not a decodable image (" + encoded.length + " bytes, unknown format)");
            return img;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) throw iae;
            throw new IllegalArgumentException("cannot decode image: " + e.getMessage(), e);
        }
    }

    /** The model input for encoded image bytes. */
    public float[] toTensor(byte[] encoded) {
        return toTensor(decode(encoded));
    }

    /** The model input for a decoded image: [C, H, W] (or [H, W, C]) floats. */
    public float[] toTensor(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] rgb = rgbPlanes(img);  // [3][h][w] in 0..255
        int nw = w;
        int nh = h;
        if (spec.resizeShorter() > 0) {
            if (w <= h) {
                nw = spec.resizeShorter();
                nh = (int) Math.round((double) h * spec.resizeShorter() / w);
            } else {
                nh = spec.resizeShorter();
                nw = (int) Math.round((double) w * spec.resizeShorter() / h);
            }
            rgb = Resize.bilinear(rgb, 3, h, w, nh, nw);
        }
        int ch = spec.cropHeight() > 0 ? spec.cropHeight() : nh;
        int cw = spec.cropWidth() > 0 ? spec.cropWidth() : nw;
        if (ch > nh || cw > nw) throw new IllegalArgumentException("image of " + nw + "x" + nh + " is smaller than the crop " + cw + "x" + ch);
        int top = (int) Math.round((nh - ch) / 2.0);
        int left = (int) Math.round((nw - cw) / 2.0);
        int channels = spec.channels();
        float[] out = new float[channels * ch * cw];
        for (int c = 0; c < channels; c++) {
            float mean = spec.mean()[c];
            float std = spec.std()[c];
            for (int y = 0; y < ch; y++) {
                for (int x = 0; x < cw; x++) {
                    int src = (y + top) * nw + (x + left);
                    float v = switch (spec.order()) {
                        case RGB -> rgb[c * nh * nw + src];
                        case BGR -> rgb[(2 - c) * nh * nw + src];
                        case GRAY -> 0.299f * rgb[src] + 0.587f * rgb[nh * nw + src] + 0.114f * rgb[2 * nh * nw + src];
                    };
                    float norm = (v * spec.scale() - mean) / std;
                    int dst = spec.layout() == PreprocessSpec.Layout.NCHW ? (c * ch + y) * cw + x : (y * cw + x) * channels + c;
                    out[dst] = norm;
                }
            }
        }
        return out;
    }

    /** R, G and B planes of an image as floats in [0, 255]. */
    static float[] rgbPlanes(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);  // converts any colour model (greyscale, indexed, CMYK-less JPEG) to sRGB
        float[] out = new float[3 * w * h];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            out[i] = (p >>> 16) & 0xFF;
            out[w * h + i] = (p >>> 8) & 0xFF;
            out[2 * w * h + i] = p & 0xFF;
        }
        return out;
    }
}
