package org.quantlake.spark.report;

import java.util.List;
import java.util.Locale;

/**
 * The report's charts as inline SVG text: a bar chart and a line chart over data partitions, and a small range bar.
 * Values are ratios in [0, 1]; NaN means "not defined for this partition" and is left out (no bar, a gap in the line).
 *
 * <p>The y axis starts at a round value below the smallest figure instead of 0, because the differences that matter
 * (agreement 0.97 vs 0.99) would otherwise be invisible; the axis labels say where it starts.
 */
final class SvgChart {
    static final int WIDTH = 1100;
    static final int HEIGHT = 300;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 44;
    private static final int BOTTOM = 70;
    /** At most this many x labels: with more partitions every k-th one is labelled. */
    private static final int MAX_LABELS = 24;

    private SvgChart() {
    }

    /** One named line. */
    record Series(String name, double[] values, String color) {
    }

    static String bars(String title, List<String> labels, double[] values, String color) {
        double[] axis = axis(List.of(values));
        StringBuilder s = frame(title, labels, axis);
        int n = labels.size();
        double slot = plotWidth() / (double) n;
        double w = Math.max(1, Math.min(48, slot * 0.7));
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(values[i])) continue;
            double x = LEFT + slot * (i + 0.5) - w / 2;
            double y = y(values[i], axis);
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                    + "<title>%s: %s</title></rect>\n", x, y, w, HEIGHT - BOTTOM - y, color,
                    HtmlReport.esc(labels.get(i)), HtmlReport.pct(values[i])));
            if (n <= MAX_LABELS) {
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\""
                        + " fill=\"#333\">%s</text>\n", x + w / 2, y - 4, HtmlReport.pct(values[i])));
            }
        }
        return s.append("</svg>\n").toString();
    }

    static String lines(String title, List<String> labels, List<Series> series) {
        double[][] all = new double[series.size()][];
        for (int i = 0; i < all.length; i++) all[i] = series.get(i).values();
        double[] axis = axis(List.of(all));
        StringBuilder s = frame(title, labels, axis);
        int n = labels.size();
        double slot = plotWidth() / (double) n;
        for (Series line : series) {
            StringBuilder path = new StringBuilder();
            boolean pen = false;
            for (int i = 0; i < n; i++) {
                double v = line.values()[i];
                if (Double.isNaN(v)) {
                    pen = false;
                    continue;
                }
                path.append(String.format(Locale.ROOT, "%s%.1f %.1f ", pen ? "L" : "M", LEFT + slot * (i + 0.5), y(v, axis)));
                pen = true;
            }
            if (path.length() > 0) {
                s.append("<path d=\"").append(path.toString().strip()).append("\" fill=\"none\" stroke=\"")
                        .append(line.color()).append("\" stroke-width=\"2\"/>\n");
            }
            for (int i = 0; i < n; i++) {
                double v = line.values()[i];
                if (Double.isNaN(v)) continue;
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s %s: %s"
                        + "</title></circle>\n", LEFT + slot * (i + 0.5), y(v, axis), line.color(),
                        HtmlReport.esc(line.name()), HtmlReport.esc(labels.get(i)), HtmlReport.pct(v)));
            }
        }
        // Legend, top right.
        double lx = WIDTH - RIGHT - 110.0 * series.size();
        for (Series line : series) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"8\" width=\"14\" height=\"4\" fill=\"%s\"/>"
                    + "<text x=\"%.1f\" y=\"14\" font-size=\"12\" fill=\"#333\">%s</text>\n", lx, line.color(), lx + 19,
                    HtmlReport.esc(line.name())));
            lx += 110;
        }
        return s.append("</svg>\n").toString();
    }

    /**
     * A 240 x 22 bar: the observed range in grey, the chosen range outlined, on the span covering both (and 0),
     * with 0 marked by a vertical line.
     */
    static String range(double obsMin, double obsMax, double chosenMin, double chosenMax) {
        double lo = Math.min(0, min(obsMin, chosenMin));
        double hi = Math.max(0, max(obsMax, chosenMax));
        StringBuilder s = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"240\" height=\"22\""
                + " viewBox=\"0 0 240 22\">");
        if (!(hi > lo)) return s.append("</svg>").toString();
        double w = 236;
        java.util.function.DoubleUnaryOperator x = v -> 2 + (v - lo) / (hi - lo) * w;
        if (!Double.isNaN(obsMin) && !Double.isNaN(obsMax)) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"5\" width=\"%.1f\" height=\"12\" fill=\"#c4cad0\"/>",
                    x.applyAsDouble(obsMin), Math.max(0.5, x.applyAsDouble(obsMax) - x.applyAsDouble(obsMin))));
        }
        if (!Double.isNaN(chosenMin) && !Double.isNaN(chosenMax)) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"3\" width=\"%.1f\" height=\"16\" fill=\"none\""
                    + " stroke=\"#1f5fa8\" stroke-width=\"1.5\"/>", x.applyAsDouble(chosenMin),
                    Math.max(0.5, x.applyAsDouble(chosenMax) - x.applyAsDouble(chosenMin))));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"22\" stroke=\"#b03030\""
                + " stroke-width=\"1\"/>", x.applyAsDouble(0), x.applyAsDouble(0)));
        return s.append("</svg>").toString();
    }

    private static double min(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b);
    }

    private static double max(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    /** The svg element, title, grid lines with y labels, x labels; the caller adds the marks and closes it. */
    private static StringBuilder frame(String title, List<String> labels, double[] axis) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" role=\"img\"><title>%s</title>\n", WIDTH, HEIGHT, WIDTH, HEIGHT, WIDTH, HEIGHT,
                HtmlReport.esc(title)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"600\" fill=\"#1d2329\">"
                + "%s</text>\n", LEFT, HtmlReport.esc(title)));
        int lines = (int) Math.round((axis[1] - axis[0]) / axis[2]);
        for (int i = 0; i <= lines; i++) {
            double v = axis[0] + i * axis[2];
            double y = y(v, axis);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e3e7eb\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#5b6670\">%s</text>\n",
                    LEFT, y, WIDTH - RIGHT, y, LEFT - 6, y + 4, String.format(Locale.ROOT, "%.0f%%", 100 * v)));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#8a939b\"/>\n",
                LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
        int n = labels.size();
        int every = Math.max(1, (int) Math.ceil(n / (double) MAX_LABELS));
        double slot = plotWidth() / (double) n;
        for (int i = 0; i < n; i += every) {
            double x = LEFT + slot * (i + 0.5);
            double y = HEIGHT - BOTTOM + 14;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\""
                    + " fill=\"#333\" transform=\"rotate(-35 %.1f %.1f)\">%s</text>\n", x, y, x, y,
                    HtmlReport.esc(shorten(labels.get(i)))));
        }
        return s;
    }

    private static String shorten(String label) {
        return label.length() <= 28 ? label : label.substring(0, 27) + "\u2026";
    }

    private static int plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    private static double y(double v, double[] axis) {
        double h = HEIGHT - TOP - BOTTOM;
        return HEIGHT - BOTTOM - (v - axis[0]) / (axis[1] - axis[0]) * h;
    }

    /**
     * {lo, hi, step} of the y axis: hi = 100%, lo = the largest multiple of the step at least a little below the
     * smallest value, with a step of 1, 2, 5, 10 or 20 points giving 4 to 10 grid lines.
     */
    static double[] axis(List<double[]> series) {
        double min = 1;
        for (double[] values : series) for (double v : values) if (!Double.isNaN(v)) min = Math.min(min, v);
        min = Math.max(0, Math.min(min, 1));
        double span = 1 - min;
        double step = span <= 0.04 ? 0.01 : span <= 0.08 ? 0.02 : span <= 0.2 ? 0.05 : span <= 0.4 ? 0.1 : 0.2;
        double lo = Math.max(0, Math.floor((min - step * 0.25) / step) * step);
        if (1 - lo < 2 * step) lo = Math.max(0, 1 - 2 * step);
        return new double[] {lo, 1, step};
    }
}
