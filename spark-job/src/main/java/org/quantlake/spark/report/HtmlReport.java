package org.quantlake.spark.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scoring run's report as one self-contained HTML page: inline CSS and inline SVG charts, no script, no
 * external resource, so it opens from a file, an e-mail attachment or an artifact store alike.
 *
 * <p>Sections: run facts; a summary table per data partition (rows, both models' top-1 accuracy on the compared
 * rows, agreement, flips, KL); charts of agreement and of accuracy per partition; the partitions with the lowest
 * agreement; the calibration ranges per quantized tensor group (observed vs chosen).
 *
 * <p>The page is well-formed XML (XHTML polyglot markup: every element closed, only XML's five entities), so a
 * standard XML parser reads it back; every text and attribute value from the data (partition values, model paths,
 * tensor names) is escaped. It depends on nothing but its input: the same data gives the same bytes.
 */
public final class HtmlReport {
    /** Partitions listed under "lowest agreement". */
    static final int WORST = 10;

    private HtmlReport() {
    }

    /** The page for {@code data}. */
    public static String render(ReportData data) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<title>").append(esc(data.title())).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(esc(data.title())).append("</h1>\n");
        facts(h, data);
        summary(h, data);
        charts(h, data);
        worst(h, data);
        layers(h, data);
        h.append("<p class=\"foot\">Written by quantlake. Figures: drift/ (Parquet, long format) and drift.json;"
                + " ranges: model/stats.json.</p>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void facts(StringBuilder h, ReportData d) {
        h.append("<table class=\"facts\">\n");
        for (Map.Entry<String, String> e : d.facts().entrySet()) {
            h.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(esc(e.getValue())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void summary(StringBuilder h, ReportData d) {
        h.append("<h2>Accuracy and agreement per partition</h2>\n");
        if (d.partitions().isEmpty()) {
            h.append("<p class=\"note\">No data partition was scored.</p>\n");
            return;
        }
        h.append("<p class=\"note\">fp32 and int8 accuracy are top-1 over the labelled rows compared in both models"
                + " (the drift sample); int8 (all rows) is over every labelled scored row. Agreement: rows whose top-1"
                + " class is the same in both models.</p>\n");
        h.append("<table class=\"data\">\n<thead><tr>");
        for (String c : d.partitionColumns()) h.append("<th class=\"l\">").append(esc(c)).append("</th>");
        h.append("<th>rows</th><th>rejected</th><th>compared</th><th>fp32 acc.</th><th>int8 acc.</th>"
                + "<th>int8 acc. (all rows)</th><th>agreement</th><th>flipped</th><th>mean KL</th></tr></thead>\n<tbody>\n");
        for (ReportData.Partition p : d.partitions()) {
            h.append("<tr>");
            for (String k : p.key()) h.append("<td class=\"key\">").append(esc(k)).append("</td>");
            summaryCells(h, p.get("input", "rows"), p.get("input", "rejected"), p.get("fp32_vs_int8", "rows"),
                    p.get("fp32", "drift_accuracy_top1"), p.get("int8", "drift_accuracy_top1"), p.get("int8", "accuracy_top1"),
                    p.get("fp32_vs_int8", "agreement_top1"), p.get("fp32_vs_int8", "flipped"), p.get("fp32_vs_int8", "mean_kl"));
            h.append("</tr>\n");
        }
        Totals t = Totals.of(d.partitions());
        h.append("<tr class=\"total\">");
        int keyCols = d.partitionColumns().size();
        if (keyCols > 0) {
            h.append("<td class=\"key\" colspan=\"").append(keyCols).append("\">all ").append(d.partitions().size())
                    .append(" partition").append(d.partitions().size() == 1 ? "" : "s").append("</td>");
        }
        summaryCells(h, t.rows, t.rejected, t.compared, t.fp32Acc, t.int8Acc, t.int8AccAll, t.agreement, t.flipped, t.meanKl);
        h.append("</tr>\n</tbody>\n</table>\n");
    }

    private static void summaryCells(StringBuilder h, double rows, double rejected, double compared, double fp32Acc,
                                     double int8Acc, double int8AccAll, double agreement, double flipped, double kl) {
        h.append(td(count(rows))).append(td(count(rejected))).append(td(count(compared)))
                .append(td(pct(fp32Acc))).append(td(pct(int8Acc))).append(td(pct(int8AccAll)))
                .append(td(pct(agreement))).append(td(count(flipped))).append(td(sci(kl)));
    }

    /** Sums over partitions; ratios recomputed from their counts (accuracy x labelled = correct, exactly). */
    private record Totals(double rows, double rejected, double compared, double fp32Acc, double int8Acc,
                          double int8AccAll, double agreement, double flipped, double meanKl) {
        static Totals of(List<ReportData.Partition> ps) {
            double rows = 0, rejected = 0, compared = 0, flipped = 0, labelled = 0, fp32 = 0, int8 = 0, labelledAll = 0,
                    int8All = 0, kl = 0;
            for (ReportData.Partition p : ps) {
                rows += zero(p.get("input", "rows"));
                rejected += zero(p.get("input", "rejected"));
                double c = zero(p.get("fp32_vs_int8", "rows"));
                compared += c;
                flipped += zero(p.get("fp32_vs_int8", "flipped"));
                kl += c * zero(p.get("fp32_vs_int8", "mean_kl"));
                double l = zero(p.get("fp32_vs_int8", "labelled"));
                labelled += l;
                fp32 += l * zero(p.get("fp32", "drift_accuracy_top1"));
                int8 += l * zero(p.get("int8", "drift_accuracy_top1"));
                double la = zero(p.get("int8", "labelled"));
                labelledAll += la;
                int8All += la * zero(p.get("int8", "accuracy_top1"));
            }
            double nan = Double.NaN;
            return new Totals(rows, rejected, compared, labelled > 0 ? fp32 / labelled : nan, labelled > 0 ? int8 / labelled : nan,
                    labelledAll > 0 ? int8All / labelledAll : nan, compared > 0 ? 1 - flipped / compared : nan, flipped,
                    compared > 0 ? kl / compared : nan);
        }

        private static double zero(double v) {
            return Double.isNaN(v) ? 0 : v;
        }
    }

    private static void charts(StringBuilder h, ReportData d) {
        if (d.partitions().isEmpty()) return;
        List<String> labels = new ArrayList<>();
        for (ReportData.Partition p : d.partitions()) labels.add(p.label(d.partitionColumns()));
        double[] agreement = series(d, "fp32_vs_int8", "agreement_top1");
        double[] fp32 = series(d, "fp32", "drift_accuracy_top1");
        double[] int8 = series(d, "int8", "drift_accuracy_top1");
        h.append("<h2>Agreement per partition</h2>\n");
        if (allNaN(agreement)) {
            h.append("<p class=\"note\">No drift figures: the run compared no rows with the float32 model"
                    + " (scoring.drift.enabled = false, or an empty drift sample).</p>\n");
        } else {
            h.append(SvgChart.bars("top-1 agreement, int8 vs fp32", labels, agreement, "#2f7d4f"));
        }
        h.append("<h2>Accuracy per partition</h2>\n");
        if (allNaN(fp32) && allNaN(int8)) {
            h.append("<p class=\"note\">No accuracy figures: the input has no labels (input.label-column) or no"
                    + " compared rows.</p>\n");
        } else {
            h.append(SvgChart.lines("top-1 accuracy on the compared rows", labels,
                    List.of(new SvgChart.Series("fp32", fp32, "#1f5fa8"), new SvgChart.Series("int8", int8, "#d9731a"))));
        }
    }

    private static double[] series(ReportData d, String model, String metric) {
        double[] v = new double[d.partitions().size()];
        for (int i = 0; i < v.length; i++) v[i] = d.partitions().get(i).get(model, metric);
        return v;
    }

    private static boolean allNaN(double[] v) {
        for (double x : v) if (!Double.isNaN(x)) return false;
        return true;
    }

    private static void worst(StringBuilder h, ReportData d) {
        List<ReportData.Partition> ranked = new ArrayList<>();
        for (ReportData.Partition p : d.partitions()) {
            if (!Double.isNaN(p.get("fp32_vs_int8", "agreement_top1"))) ranked.add(p);
        }
        if (ranked.isEmpty()) return;
        // Lowest agreement first; ties keep display order (a stable sort), so the table is deterministic.
        ranked.sort(Comparator.comparingDouble(p -> p.get("fp32_vs_int8", "agreement_top1")));
        int n = Math.min(WORST, ranked.size());
        h.append("<h2>Lowest agreement</h2>\n<p class=\"note\">The ").append(n).append(" partition")
                .append(n == 1 ? "" : "s").append(" whose int8 predictions differ most often from fp32's;"
                        + " the flipped rows themselves are in flipped/.</p>\n");
        h.append("<table class=\"data\">\n<thead><tr><th>#</th><th class=\"l\">partition</th><th>agreement</th><th>flipped</th>"
                + "<th>compared</th><th>accuracy fp32 - int8</th><th>mean |diff|</th><th>mean cosine</th><th>mean KL</th>"
                + "</tr></thead>\n<tbody>\n");
        for (int i = 0; i < n; i++) {
            ReportData.Partition p = ranked.get(i);
            double drop = p.get("fp32", "drift_accuracy_top1") - p.get("int8", "drift_accuracy_top1");
            h.append("<tr>").append(td(Integer.toString(i + 1))).append("<td class=\"key\">")
                    .append(esc(p.label(d.partitionColumns()))).append("</td>")
                    .append(td(pct(p.get("fp32_vs_int8", "agreement_top1")))).append(td(count(p.get("fp32_vs_int8", "flipped"))))
                    .append(td(count(p.get("fp32_vs_int8", "rows")))).append(td(Double.isNaN(drop) ? "-" : signedPoints(drop)))
                    .append(td(sci(p.get("fp32_vs_int8", "mean_abs_diff")))).append(td(fixed(p.get("fp32_vs_int8", "mean_cosine"), 5)))
                    .append(td(sci(p.get("fp32_vs_int8", "mean_kl")))).append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    private static void layers(StringBuilder h, ReportData d) {
        h.append("<h2>Calibration ranges per layer</h2>\n");
        if (d.layers().isEmpty()) {
            h.append("<p class=\"note\">No calibration statistics next to this output (model/stats.json): the int8"
                    + " model was calibrated elsewhere.</p>\n");
            return;
        }
        h.append("<p class=\"note\">Per quantized tensor group: the range calibration observed (grey) and the range the"
                + " quantizer chose (outlined), each bar on its own scale with 0 marked. A chosen range inside the observed"
                + " one clips outliers to spend the 256 levels on the bulk of the values.</p>\n");
        h.append("<table class=\"data layers\">\n<thead><tr><th class=\"l\">tensor group</th><th class=\"l\">method</th><th>observed min</th>"
                + "<th>observed max</th><th>chosen min</th><th>chosen max</th><th>scale</th><th>zero point</th>"
                + "<th class=\"l\">range</th></tr></thead>\n<tbody>\n");
        for (ReportData.LayerRange l : d.layers()) {
            h.append("<tr><td class=\"key\">").append(esc(l.group())).append("</td>").append("<td>").append(esc(l.method()))
                    .append("</td>").append(td(num(l.observedMin()))).append(td(num(l.observedMax())))
                    .append(td(num(l.chosenMin()))).append(td(num(l.chosenMax()))).append(td(sci(l.scale())))
                    .append(td(l.zeroPoint() + " " + esc(l.dtype().toLowerCase(Locale.ROOT))))
                    .append("<td>").append(SvgChart.range(l.observedMin(), l.observedMax(), l.chosenMin(), l.chosenMax()))
                    .append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    private static String td(String text) {
        return "<td class=\"num\">" + text + "</td>";
    }

    /** Escapes text for element content and double- or single-quoted attribute values. */
    public static String esc(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    // XML 1.0 forbids most control characters even as references: show them as U+FFFD.
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') sb.append('\uFFFD');
                    else sb.append(c);
                }
            }
        }
        return sb.toString();
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    static String count(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,d", Math.round(v));
    }

    static String sci(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3g", v);
    }

    static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4g", v);
    }

    static String fixed(double v, int digits) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private static String signedPoints(double v) {
        return String.format(Locale.ROOT, "%+.2f points", 100 * v);
    }

    private static final String CSS = """
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d2329; margin: 24px 32px;
                   max-width: 1200px; font-size: 14px; }
            h1 { font-size: 22px; margin: 0 0 12px; }
            h2 { font-size: 17px; margin: 28px 0 6px; border-bottom: 1px solid #d8dde3; padding-bottom: 4px; }
            table { border-collapse: collapse; }
            table.facts th { text-align: left; font-weight: 600; padding: 2px 16px 2px 0; color: #4a5560; vertical-align: top; }
            table.facts td { padding: 2px 0; word-break: break-all; }
            table.data th { background: #eef1f4; text-align: right; padding: 5px 9px; font-weight: 600; font-size: 13px;
                            border-bottom: 1px solid #c9d0d7; }
            table.data th.l { text-align: left; }
            table.data td { padding: 4px 9px; border-bottom: 1px solid #e7eaee; }
            table.data td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            table.data td.key { text-align: left; white-space: nowrap; }
            table.data tr.total td { font-weight: 600; border-top: 2px solid #c9d0d7; }
            table.layers td.key { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
            p.note { color: #5b6670; margin: 2px 0 10px; max-width: 900px; }
            p.foot { color: #8a939b; margin-top: 32px; font-size: 12px; }
            svg text { font-family: inherit; }
            """;
}
