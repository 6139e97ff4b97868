package org.ocs4j.sweep;

import org.deeplearning4j.nn.api.Model;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Node;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.progress.Progress;
import org.ocs4j.quant.Histogram;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The PNG plots of a sweep (XChart): the metric against weight bits per method with FP32 as a line, the weight SQNR
 * of every layer at the lowest bit width, and the worst layer's weight histogram before and after splitting with the
 * clip values marked.
 */
public final class SweepPlots {

    /** A written plot and its caption. */
    public record Plot(Path file, String caption) {
    }

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;

    private SweepPlots() {
    }

    /** Writes the plots into {@code dir} (atomically) and returns them. */
    public static List<Plot> write(SweepResult r, Model model, Path dir) throws IOException {
        List<Plot> plots = new ArrayList<>();
        plots.add(save(metricVsBits(r), dir.resolve("metric-vs-bits.png"),
                r.metric() + " against weight bits, per method"));
        Row lowest = lowestRow(r);
        CategoryChart sqnr = layerSqnr(r, lowest);
        if (sqnr != null) {
            plots.add(save(sqnr, dir.resolve("layer-sqnr.png"), "weight SQNR per layer at " + lowest.label()));
        }
        XYChart histogram = worstLayerHistogram(r, lowest, model);
        if (histogram != null) {
            plots.add(save(histogram, dir.resolve("worst-layer-histogram.png"), histogram.getTitle()));
        }
        return plots;
    }

    private static Plot save(Chart<?, ?> chart, Path file, String caption) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        ModelFiles.writeAtomically(file, tmp -> Files.write(tmp, png));
        return new Plot(file, caption);
    }

    /** The row plotted in detail: the lowest weight bits at the first activation bit width. */
    static Row lowestRow(SweepResult r) {
        int a = r.config().activationBits().get(0);
        return r.config().rows().stream().filter(x -> x.activationBits() == a)
                .min(Comparator.comparingInt(Row::weightBits)).orElseThrow();
    }

    static XYChart metricVsBits(SweepResult r) {
        int a = r.config().activationBits().get(0);
        List<Row> rows = r.config().rows().stream().filter(x -> x.activationBits() == a)
                .sorted(Comparator.comparingInt(Row::weightBits)).toList();
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(r.metric() + " vs weight bits (activations " + (a == 0 ? "FP32" : a + " bits") + ")")
                .xAxisTitle("weight bits").yAxisTitle(r.metric()).build();
        style(chart.getStyler());
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        double[] x = rows.stream().mapToDouble(Row::weightBits).toArray();
        for (Column c : r.config().columns()) {
            double[] y = rows.stream().mapToDouble(row -> r.cell(row, c).map(Cell::value).orElse(Double.NaN)).toArray();
            XYSeries s = chart.addSeries(c.label(), x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        double fp32 = r.fp32().value();
        XYSeries line = chart.addSeries("FP32", new double[]{x[0], x[x.length - 1]}, new double[]{fp32, fp32});
        line.setMarker(SeriesMarkers.NONE);
        line.setLineColor(Color.BLACK);
        line.setLineStyle(SeriesLines.DASH_DASH);
        return chart;
    }

    static CategoryChart layerSqnr(SweepResult r, Row row) {
        List<Cell> cells = new ArrayList<>();
        Optional<Cell> none = r.cells().stream().filter(c -> c.row().equals(row.label()) && c.column().equals("none"))
                .findFirst();
        none.ifPresent(cells::add);
        bestWhere(r, row, Column::clipCandidate).ifPresent(cells::add);
        bestWhere(r, row, Column::ocsCandidate).ifPresent(cells::add);
        r.cells().stream().filter(c -> c.row().equals(row.label()) && c.column().equals(Column.OCS_BEST.id()))
                .findFirst().ifPresent(cells::add);
        if (cells.isEmpty()) {
            cells.add(r.cells().stream().filter(c -> c.row().equals(row.label())).findFirst().orElseThrow());
        }
        List<String> layers = cells.get(0).layers().stream().map(Cell.Layer::layer).toList();
        if (layers.isEmpty()) {
            return null;
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("weight SQNR per layer at " + row.label()).xAxisTitle("layer").yAxisTitle("weight SQNR (dB)")
                .build();
        style(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setXAxisLabelRotation(60);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (Cell c : cells) {
            List<Double> y = new ArrayList<>();
            for (String layer : layers) {
                double v = c.layers().stream().filter(l -> l.layer().equals(layer)).mapToDouble(Cell.Layer::weightSqnrDb)
                        .findFirst().orElse(Double.NaN);
                y.add(Double.isInfinite(v) ? Double.NaN : v);
            }
            String name = c.column().equals(c.resolvedAs()) ? Column.parse(c.column()).label()
                    : Column.parse(c.column()).label() + " (" + c.resolvedAs() + ")";
            if (chart.getSeriesMap().containsKey(name)) continue;
            CategorySeries s = chart.addSeries(name, layers, y);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    private static Optional<Cell> bestWhere(SweepResult r, Row row, java.util.function.Predicate<Column> which) {
        Comparator<Cell> byValue = Comparator.comparingDouble(Cell::value);
        if (!r.higherIsBetter()) byValue = byValue.reversed();
        return r.cells().stream().filter(c -> c.row().equals(row.label()) && !c.column().equals(Column.OCS_BEST.id())
                && which.test(Column.parse(c.column()))).max(byValue);
    }

    /**
     * The layer with the lowest weight SQNR without clipping at {@code row}: its weights before and after OCS at the
     * ratio OCS + best clip chose (or the largest grid-aware ratio swept), grid-aware on the row's grid with α =
     * max|w|, with ±α before, after, and the best clip's α marked. Null when the sweep has no per-tensor column.
     */
    static XYChart worstLayerHistogram(SweepResult r, Row row, Model model) {
        Optional<Cell> reference = r.cells().stream().filter(c -> c.row().equals(row.label())
                && !c.column().equals(Column.OCS_BEST.id()) && !Column.parse(c.column()).perChannel()
                && Column.parse(c.column()).expandRatio() == 0).findFirst();
        if (reference.isEmpty() || reference.get().layers().isEmpty()) {
            return null;
        }
        Cell.Layer worst = reference.get().layers().stream().min(Comparator.comparingDouble(Cell.Layer::weightSqnrDb))
                .orElseThrow();
        NetworkGraph graph = NetworkGraph.of(model);
        Node node = graph.find(worst.layer()).orElse(null);
        if (node == null || !graph.paramKeys(node).contains("W")) {
            return null;
        }
        INDArray before = graph.param(node, "W");
        double maxBefore = before.amaxNumber().doubleValue();
        double ratio = r.cells().stream().filter(c -> c.row().equals(row.label())
                        && c.column().equals(Column.OCS_BEST.id())).map(c -> Column.parse(c.resolvedAs()).expandRatio())
                .findFirst().orElse(r.config().columns().stream().filter(Column::ocsCandidate)
                        .mapToDouble(Column::expandRatio).max().orElse(0));
        INDArray after = ratio > 0 ? widenedWeights(r, row, model, ratio, worst.layer()) : null;
        int bins = 121;
        String title = String.format(Locale.ROOT, "weights of %s (worst SQNR without clipping at %s: %.1f dB)",
                worst.layer(), row.label(), worst.weightSqnrDb());
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("weight value")
                .yAxisTitle("count (log scale; empty bins drawn at 0.5)").build();
        style(chart.getStyler());
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(0.5);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        double[] centres = new double[bins];
        Histogram hb = new Histogram(-maxBefore, maxBefore, bins);
        for (int i = 0; i < bins; i++) centres[i] = hb.centre(i);
        hb.add(before);
        double top = addHistogram(chart, "before splitting", centres, hb.counts(), new Color(70, 110, 200));
        double afterMax = Double.NaN;
        if (after != null) {
            Histogram ha = new Histogram(-maxBefore, maxBefore, bins);
            ha.add(after);
            top = Math.max(top, addHistogram(chart, String.format(Locale.ROOT, "after OCS r = %s", ratio), centres,
                    ha.counts(), new Color(220, 110, 40)));
            afterMax = after.amaxNumber().doubleValue();
        }
        mark(chart, String.format(Locale.ROOT, "±α no clip = %.3g", maxBefore), maxBefore, top, new Color(70, 110, 200));
        if (!Double.isNaN(afterMax)) {
            mark(chart, String.format(Locale.ROOT, "±α after OCS = %.3g", afterMax), afterMax, top,
                    new Color(220, 110, 40));
        }
        markBestClip(chart, r, row, worst.layer(), top);
        return chart;
    }

    /** The weight {@code W} of {@code layer} after grid-aware OCS at {@code ratio} on the row's grid (α = max|w|). */
    private static INDArray widenedWeights(SweepResult r, Row row, Model model, double ratio, String layer) {
        Model widened = org.ocs4j.pipeline.Pipeline.widening().run(new org.ocs4j.pipeline.Work(r.config().base()
                .toBuilder().expandRatio(ratio).weightBits(row.weightBits()).gridAware(true)
                .weightClip(org.ocs4j.quant.Clip.NONE).build(), model, null, null, Progress.NONE)).model();
        NetworkGraph wg = NetworkGraph.of(widened);
        return wg.find(layer).map(wn -> wg.param(wn, "W")).orElse(null);
    }

    /** Marks ±α of the best clipping column of the row for {@code layer}, when there is one. */
    private static void markBestClip(XYChart chart, SweepResult r, Row row, String layer, double top) {
        Optional<Cell> bestClip = bestWhere(r, row, Column::clipCandidate);
        if (bestClip.isPresent()) {
            Optional<Cell.Layer> l = bestClip.get().layers().stream().filter(x -> x.layer().equals(layer))
                    .findFirst();
            if (l.isPresent()) {
                mark(chart, String.format(Locale.ROOT, "±α %s = %.3g", Column.parse(bestClip.get().column()).label(),
                        l.get().weightAlpha()), l.get().weightAlpha(), top, new Color(40, 150, 60));
            }
        }
    }

    private static double addHistogram(XYChart chart, String name, double[] x, double[] counts, Color color) {
        double[] y = new double[counts.length];
        double top = 1;
        for (int i = 0; i < counts.length; i++) {
            y[i] = counts[i] > 0 ? counts[i] : 0.5; // the log axis has no zero: empty bins at its floor
            top = Math.max(top, counts[i]);
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        return top;
    }

    private static void mark(XYChart chart, String name, double alpha, double top, Color color) {
        XYSeries s = chart.addSeries(name, new double[]{-alpha, -alpha, Double.NaN, alpha, alpha},
                new double[]{0.5, top, Double.NaN, 0.5, top});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(SeriesLines.DASH_DASH);
    }

    private static void style(Styler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setLegendBorderColor(Color.LIGHT_GRAY);
    }
}
