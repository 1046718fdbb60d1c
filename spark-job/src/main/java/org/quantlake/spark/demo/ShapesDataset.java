package org.quantlake.spark.demo;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The demo's synthetic labelled images: 28x28 grayscale pictures of ten procedurally drawn shapes, one data
 * partition per day, with a distribution shift (lower contrast, more noise) growing over the later days.
 *
 * <p>Every image is a pure function of (seed, stream, index): its generator is seeded from those three numbers
 * alone, so a row is the same whichever task, order or machine draws it, and two generations give the same data.
 * Stream {@code d >= 0} is day {@code d}; {@link #TRAINING_STREAM} is the clean data the demo model is fitted on,
 * never written to the dataset.
 *
 * <p>Drawing: a shape with a random centre (+-3 px), size, rotation (+-0.2 rad), stroke width and brightness is
 * rasterised with 3x3 supersampling (anti-aliased edges); then the day's condition maps each pixel p in [0, 1] to
 * {@code 0.5 + (p - 0.5) * contrast + N(0, noise)}, clamped to [0, 1]. Lower contrast turns the black background
 * grey and dims the shape, which moves every activation the model normalised on clean data.
 */
public final class ShapesDataset implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int SIZE = 28;
    public static final int PIXELS = SIZE * SIZE;
    public static final List<String> CLASSES = List.of("disk", "ring", "square", "square outline", "triangle",
            "plus", "cross", "horizontal bar", "vertical bar", "diamond");
    /** The stream of the clean rows the model is fitted on (not part of the written dataset). */
    public static final int TRAINING_STREAM = -1;
    /** The first day's date: fixed, so the data never depends on the clock. */
    public static final LocalDate FIRST_DAY = LocalDate.of(2024, 6, 1);

    /** Clean-day noise: a little sensor noise even before the shift. */
    static final double BASE_NOISE = 0.02;
    /** Contrast and noise on the last day; the days between the clean ones and the last are interpolated. */
    static final double LAST_DAY_CONTRAST = 0.6;
    static final double LAST_DAY_NOISE = 0.12;

    private final long seed;
    private final int days;
    private final int cleanDays;
    private final int rowsPerDay;

    /**
     * @param days       data partitions (days) in the dataset
     * @param cleanDays  leading days without shift; the remaining days shift more and more
     * @param rowsPerDay images per day
     */
    public ShapesDataset(long seed, int days, int cleanDays, int rowsPerDay) {
        if (days < 1 || cleanDays < 0 || cleanDays > days || rowsPerDay < 1) {
            throw new IllegalArgumentException("need days >= 1, 0 <= clean days <= days, rows per day >= 1; got days "
                    + days + ", clean days " + cleanDays + ", rows per day " + rowsPerDay);
        }
        this.seed = seed;
        this.days = days;
        this.cleanDays = cleanDays;
        this.rowsPerDay = rowsPerDay;
    }

    public long seed() { return seed; }

    public int days() { return days; }

    public int cleanDays() { return cleanDays; }

    public int rowsPerDay() { return rowsPerDay; }

    /** Day {@code d}'s partition value, e.g. "2024-06-03". */
    public String date(int day) {
        return FIRST_DAY.plusDays(day).toString();
    }

    /** A day's imaging condition. */
    public record Condition(double contrast, double noise) {
        public String describe() {
            return String.format(Locale.ROOT, "contrast %.2f, noise sd %.2f", contrast, noise);
        }
    }

    /** Day {@code d}'s condition: clean for the first {@code cleanDays}, then a linear ramp to the last day's. */
    public Condition condition(int day) {
        if (day < cleanDays || day == TRAINING_STREAM) return new Condition(1.0, BASE_NOISE);
        double k = (day - cleanDays + 1) / (double) (days - cleanDays);
        return new Condition(1.0 - (1.0 - LAST_DAY_CONTRAST) * k, BASE_NOISE + (LAST_DAY_NOISE - BASE_NOISE) * k);
    }

    /** The row id of image {@code index} of a day: unique over the dataset and readable (day * 10^6 + index). */
    public static long id(int day, int index) {
        return day * 1_000_000L + index;
    }

    /** One labelled image. */
    public record Image(int label, float[] pixels) {
    }

    /** Image {@code index} of {@code stream} (a day, or {@link #TRAINING_STREAM}). */
    public Image image(int stream, int index) {
        SplittableRandom r = new SplittableRandom(mix(seed, stream, index));
        int label = r.nextInt(CLASSES.size());
        float[] px = draw(label, r);
        Condition c = condition(stream);
        for (int i = 0; i < px.length; i++) {
            double v = 0.5 + (px[i] - 0.5) * c.contrast() + gaussian(r) * c.noise();
            px[i] = (float) Math.min(1.0, Math.max(0.0, v));
        }
        return new Image(label, px);
    }

    /** A well-spread 64-bit seed from three numbers (SplitMix64 finaliser over a combination). */
    static long mix(long seed, long stream, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Box-Muller from the row's own generator (SplittableRandom has no nextGaussian on JDK 17). */
    private static double gaussian(SplittableRandom r) {
        double u = 1.0 - r.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static final int SUPER = 3;

    /** The clean picture of shape {@code label}: background 0, the shape at its brightness, anti-aliased. */
    static float[] draw(int label, SplittableRandom r) {
        double cx = (SIZE - 1) / 2.0 + r.nextDouble(-3, 3);
        double cy = (SIZE - 1) / 2.0 + r.nextDouble(-3, 3);
        double size = r.nextDouble(6.5, 10.5);
        double angle = r.nextDouble(-0.2, 0.2);
        double stroke = r.nextDouble(1.6, 2.6);
        double brightness = r.nextDouble(0.65, 1.0);
        double cos = Math.cos(angle), sin = Math.sin(angle);
        float[] px = new float[PIXELS];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int hits = 0;
                for (int sy = 0; sy < SUPER; sy++) {
                    for (int sx = 0; sx < SUPER; sx++) {
                        double dx = x + (sx + 0.5) / SUPER - 0.5 - cx;
                        double dy = y + (sy + 0.5) / SUPER - 0.5 - cy;
                        // Shape coordinates: rotated by -angle, v pointing down as in the image.
                        double u = cos * dx + sin * dy;
                        double v = -sin * dx + cos * dy;
                        if (inside(label, u, v, size, stroke)) hits++;
                    }
                }
                px[y * SIZE + x] = (float) (brightness * hits / (SUPER * SUPER));
            }
        }
        return px;
    }

    private static boolean inside(int label, double u, double v, double s, double t) {
        double au = Math.abs(u), av = Math.abs(v);
        double rr = u * u + v * v;
        double half = t / 2 + 0.5;
        return switch (label) {
            case 0 -> rr <= s * s;                                                       // disk
            case 1 -> rr <= s * s && rr >= (s - t) * (s - t);                            // ring
            case 2 -> au <= 0.85 * s && av <= 0.85 * s;                                  // square
            case 3 -> au <= 0.85 * s && av <= 0.85 * s && (au > 0.85 * s - t || av > 0.85 * s - t);
            case 4 -> v <= 0.7 * s && v >= -s && au <= (v + s) / (1.7 * s) * 0.95 * s;  // triangle, apex up
            case 5 -> (au <= half && av <= s) || (av <= half && au <= s);                 // plus
            case 6 -> {                                                                  // cross: plus turned 45 deg
                double p = (u + v) / Math.sqrt(2), q = (u - v) / Math.sqrt(2);
                yield (Math.abs(p) <= half && Math.abs(q) <= s) || (Math.abs(q) <= half && Math.abs(p) <= s);
            }
            case 7 -> au <= s && av <= t;                                                // horizontal bar
            case 8 -> av <= s && au <= t;                                                // vertical bar
            case 9 -> au + av <= s;                                                      // diamond
            default -> throw new IllegalArgumentException("no shape class " + label);
        };
    }
}
