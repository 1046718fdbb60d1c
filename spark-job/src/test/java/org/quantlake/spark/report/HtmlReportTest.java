package org.quantlake.spark.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The HTML report read back with an XML parser: it must be well-formed, show the figures it was given (formatted),
 * rank the worst partitions, escape hostile text, and load nothing from outside the file.
 */
class HtmlReportTest {
    private static final String HOSTILE = "<script>alert(\"x\")</script> & 'q'";

    private static ReportData.Partition part(String key, double rows, double agreement, double fp32, double int8, double flipped) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("input/rows", rows);
        m.put("input/rejected", 0.0);
        m.put("int8/rows", rows);
        m.put("int8/labelled", rows);
        m.put("int8/accuracy_top1", int8);
        m.put("fp32_vs_int8/rows", rows);
        m.put("fp32_vs_int8/flipped", flipped);
        m.put("fp32_vs_int8/agreement_top1", agreement);
        m.put("fp32_vs_int8/mean_kl", 0.001);
        m.put("fp32_vs_int8/labelled", rows);
        m.put("fp32/drift_accuracy_top1", fp32);
        m.put("int8/drift_accuracy_top1", int8);
        return new ReportData.Partition(List.of(key), m);
    }

    private static ReportData data() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("int8 model", "/models/a&b/model.qdq.onnx");
        facts.put("input", HOSTILE);
        List<ReportData.Partition> ps = List.of(
                part("2024-06-01", 200, 1.0, 0.99, 0.99, 0),
                part("2024-06-02", 100, 0.9, 0.80, 0.70, 10),
                part(HOSTILE, 100, 0.95, 0.60, 0.55, 5));
        List<ReportData.LayerRange> layers = List.of(
                new ReportData.LayerRange("image", "minmax", 0, 1, 0, 1, 1 / 255.0, 0, "QUINT8"),
                new ReportData.LayerRange("conv<1>", "kl", -3, 12.5, 0, 6.25, 0.0245, 0, "QUINT8"),
                new ReportData.LayerRange("empty", "minmax", Double.NaN, Double.NaN, 0, 0, 1, 0, "QUINT8"));
        return new ReportData("quantlake drift report", facts, List.of("date"), ps, layers);
    }

    private static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    /** Rows of the table under the heading whose text starts with {@code heading}, as lists of cell texts. */
    private static List<List<String>> table(Document doc, String heading) {
        NodeList h2 = doc.getElementsByTagName("h2");
        for (int i = 0; i < h2.getLength(); i++) {
            if (!h2.item(i).getTextContent().startsWith(heading)) continue;
            org.w3c.dom.Node n = h2.item(i).getNextSibling();
            while (n != null && !(n instanceof Element e && e.getTagName().equals("table"))) n = n.getNextSibling();
            List<List<String>> rows = new ArrayList<>();
            NodeList trs = ((Element) n).getElementsByTagName("tr");
            for (int r = 0; r < trs.getLength(); r++) {
                List<String> cells = new ArrayList<>();
                NodeList cs = trs.item(r).getChildNodes();
                for (int c = 0; c < cs.getLength(); c++) cells.add(cs.item(c).getTextContent());
                rows.add(cells);
            }
            return rows;
        }
        throw new AssertionError("no section " + heading);
    }

    @Test
    void wellFormedWithTheFiguresItWasGiven() throws Exception {
        String html = HtmlReport.render(data());
        Document doc = parse(html);
        List<List<String>> summary = table(doc, "Accuracy and agreement");
        assertEquals(List.of("date", "rows", "rejected", "compared", "fp32 acc.", "int8 acc.", "int8 acc. (all rows)",
                "agreement", "flipped", "mean KL"), summary.get(0));
        assertEquals(List.of("2024-06-02", "100", "0", "100", "80.00%", "70.00%", "70.00%", "90.00%", "10", "0.00100"),
                summary.get(2));
        // Totals are recomputed from counts: fp32 (200*0.99 + 100*0.8 + 100*0.6) / 400 = 84.5%, agreement 1 - 15/400.
        assertEquals(List.of("all 3 partitions", "400", "0", "400", "84.50%", "80.75%", "80.75%", "96.25%", "15",
                "0.00100"), summary.get(4));

        List<List<String>> worst = table(doc, "Lowest agreement");
        assertEquals(4, worst.size());
        assertEquals(List.of("1", "2024-06-02", "90.00%"), worst.get(1).subList(0, 3));
        assertEquals(List.of("2", HOSTILE, "95.00%"), worst.get(2).subList(0, 3));
        assertEquals("+10.00 points", worst.get(1).get(5));

        List<List<String>> layers = table(doc, "Calibration ranges");
        assertEquals(List.of("image", "conv<1>", "empty"), layers.subList(1, 4).stream().map(r -> r.get(0)).toList());
        assertEquals(List.of("conv<1>", "kl", "-3.000", "12.50", "0.000", "6.250", "0.0245", "0 quint8"),
                layers.get(2).subList(0, 8));
        assertEquals(List.of("-", "-"), layers.get(3).subList(2, 4));

        // Inline SVG: 2 charts and 3 range bars; one bar per partition, one marker per partition and model.
        assertEquals(5, doc.getElementsByTagName("svg").getLength());
        assertEquals(6, doc.getElementsByTagName("circle").getLength());
        NodeList rects = doc.getElementsByTagName("rect");
        int bars = 0;
        for (int i = 0; i < rects.getLength(); i++) if (((Element) rects.item(i)).getAttribute("fill").equals("#2f7d4f")) bars++;
        assertEquals(3, bars);
    }

    @Test
    void escapesEveryTextAndLoadsNothing() throws Exception {
        String html = HtmlReport.render(data());
        assertFalse(html.contains("<script"), "partition text must not become markup");
        assertTrue(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"));
        assertTrue(html.contains("/models/a&amp;b/model.qdq.onnx"));
        // Self-contained: no scripts, links, images or imports; the only URLs are the XML namespaces.
        for (String s : List.of("<script", "<link", "<img", "src=", "href=", "@import", "url(")) {
            assertFalse(html.contains(s), s);
        }
        assertEquals(List.of("http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg"),
                html.lines().flatMap(l -> java.util.regex.Pattern.compile("https?://[^\"]+").matcher(l).results()
                        .map(m -> m.group())).distinct().sorted().toList());
        // The parsed document gives back the original text exactly.
        Document doc = parse(html);
        assertEquals(HOSTILE, doc.getElementsByTagName("td").item(1).getTextContent());  // facts: input
        assertEquals(HOSTILE, table(doc, "Accuracy and agreement").get(3).get(0));
        assertEquals("\uFFFDok", HtmlReport.esc("\u0001ok"));
    }

    @Test
    void sameDataSameBytesAndNoDriftWithoutFigures() {
        assertEquals(HtmlReport.render(data()), HtmlReport.render(data()));
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("input/rows", 5.0);
        ReportData noDrift = new ReportData("r", Map.of(), List.of(), List.of(new ReportData.Partition(List.of(), m)), List.of());
        String html = HtmlReport.render(noDrift);
        assertTrue(html.contains("No drift figures"));
        assertTrue(html.contains("No accuracy figures"));
        assertTrue(html.contains("No calibration statistics"));
        assertFalse(html.contains("Lowest agreement"));
    }

    @Test
    void axisStartsBelowTheSmallestFigureOnARoundStep() {
        assertArrayEquals(new double[] {0.92, 1, 0.02}, SvgChart.axis(List.of(new double[] {0.927, 1.0})), 1e-12);
        assertArrayEquals(new double[] {0.2, 1, 0.2}, SvgChart.axis(List.of(new double[] {0.384}, new double[] {0.9})), 1e-12);
        assertArrayEquals(new double[] {0.98, 1, 0.01}, SvgChart.axis(List.of(new double[] {1.0, Double.NaN})), 1e-12);
        assertArrayEquals(new double[] {0, 1, 0.2}, SvgChart.axis(List.of(new double[] {0.0})), 1e-12);
    }

    @Test
    void readsStatsJsonAsCalibrateWritesIt() {
        String json = """
                {
                  "samples": 10,
                  "digest": "ab",
                  "groups": [
                    {"group": "relu1.out", "values": ["relu1.out"], "method": "minmax", "observed_min": 0.0, "observed_max": 7.52, "chosen_min": 0.0, "chosen_max": 7.52, "scale": 0.0295, "zero_point": 0, "dtype": "QUINT8", "finite": 4, "nan": 0, "pos_inf": 0, "neg_inf": 0},
                    {"group": "image", "values": ["image"], "method": "kl", "observed_min": null, "observed_max": null, "chosen_min": -1.5E-3, "chosen_max": 1, "scale": 0.0039, "zero_point": 128, "dtype": "QUINT8", "finite": 0, "nan": 3, "pos_inf": 0, "neg_inf": 0}
                  ]
                }
                """;
        List<ReportData.LayerRange> l = ReportReader.layers(json, "stats.json");
        assertEquals(new ReportData.LayerRange("relu1.out", "minmax", 0, 7.52, 0, 7.52, 0.0295, 0, "QUINT8"), l.get(0));
        assertTrue(Double.isNaN(l.get(1).observedMin()));
        assertEquals(-1.5e-3, l.get(1).chosenMin());
        assertEquals(List.of("image", "relu1.out"), ReportReader.inModelOrder(l, List.of("image", "conv1.out", "relu1.out"))
                .stream().map(ReportData.LayerRange::group).toList());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ReportReader.layers("{\"x\": 1}", "s.json"));
        assertTrue(e.getMessage().startsWith("s.json is not the stats.json calibrate writes"), e.getMessage());
    }
}
