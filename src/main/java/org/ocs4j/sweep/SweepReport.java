package org.ocs4j.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.deeplearning4j.nn.api.Model;
import org.ocs4j.io.ModelFiles;

import org.ocs4j.pipeline.CalibrationData;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a finished sweep: {@code report.md} (the paper-style table, best of each row in bold, what
 * {@code OCS + best clip} resolved to, the plots, provenance), {@code results.csv} (one line per cell),
 * {@code results.json} (everything, per-layer statistics included) and the PNG plots of {@link SweepPlots}. Every
 * file is written atomically.
 */
public final class SweepReport {

    /** File names inside the output directory. */
    public static final String MARKDOWN = "report.md";
    public static final String CSV = "results.csv";
    public static final String JSON = "results.json";

    private SweepReport() {
    }

    /**
     * Writes the report files into {@code dir}.
     *
     * @param title a heading, e.g. the model's name
     * @param model the FP32 model (for the worst layer's weight histogram)
     * @return the files written
     */
    public static List<Path> write(SweepResult result, String title, Model model, Path dir) throws IOException {
        List<Path> written = new ArrayList<>();
        List<SweepPlots.Plot> plots = plotsAvailable() ? SweepPlots.write(result, model, dir) : List.of();
        if (!plotsAvailable()) {
            LoggerFactory.getLogger(SweepReport.class).warn("PNG plots not drawn: XChart is not on the class path"
                    + " (add org.knowm.xchart:xchart 3.8.8 to draw them)");
        }
        plots.forEach(p -> written.add(p.file()));
        Path md = dir.resolve(MARKDOWN);
        ModelFiles.writeString(md, markdown(result, title, plots));
        written.add(0, md);
        Path csv = dir.resolve(CSV);
        ModelFiles.writeString(csv, csv(result));
        written.add(1, csv);
        Path json = dir.resolve(JSON);
        ModelFiles.writeString(json, json(result, title));
        written.add(2, json);
        return written;
    }

    /** @return whether XChart, an optional dependency of the library, is on the class path to draw the plots */
    static boolean plotsAvailable() {
        try {
            Class.forName("org.knowm.xchart.BitmapEncoder", false, SweepReport.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * @return the table alone (FP32 row first, one row per bit widths), Markdown. Accuracies carry their 95 % Wilson
     * interval ({@code 55.31 ±2.70}) and the best of a row is bold only when it beats the runner-up beyond chance
     * ({@link Accuracy}); perplexities with window losses carry half their 95 % bootstrap interval and are bold by
     * a paired bootstrap ({@link PerplexityUncertainty}); other metrics are printed alone, the best of a row in bold.
     */
    public static String table(SweepResult r) {
        StringBuilder sb = new StringBuilder("| bits |");
        for (Column c : r.config().columns()) sb.append(' ').append(c.label()).append(" |");
        sb.append("\n|---|");
        sb.append("---:|".repeat(r.config().columns().size())).append('\n');
        sb.append("| FP32 | ").append(value(r.fp32())).append(" |")
                .append(" |".repeat(r.config().columns().size() - 1)).append('\n');
        for (Row row : r.config().rows()) {
            Cell best = bold(r, row);
            sb.append("| ").append(row.label()).append(" |");
            for (Column c : r.config().columns()) {
                String v = r.cell(row, c).map(x -> best != null && x.value() == best.value()
                        && x.resolvedAs().equals(best.resolvedAs()) ? "**" + value(x) + "**" : value(x)).orElse("—");
                sb.append(' ').append(v).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String value(Cell c) {
        Double correct = c.metrics().get("top1Correct");
        if (correct != null && c.examples() > 0) {
            return format(c.value()) + " ±" + format(Accuracy.halfWidth(correct, c.examples()));
        }
        return c.windows() == null ? format(c.value())
                : format(c.value()) + " ±" + format(PerplexityUncertainty.halfWidth(c.windows()));
    }

    /** @return the row's best cell when it is to be bold (for accuracies: beyond chance above the runner-up), else null */
    private static Cell bold(SweepResult r, Row row) {
        java.util.Comparator<Cell> better = java.util.Comparator.comparingDouble(Cell::value);
        if (!r.higherIsBetter()) better = better.reversed();
        List<Cell> ranked = r.cells().stream().filter(c -> c.row().equals(row.label()))
                .filter(c -> !c.column().equals(Column.OCS_BEST.id()) || r.cells().stream().noneMatch(o -> o != c
                        && o.row().equals(c.row()) && o.column().equals(c.resolvedAs())))
                .sorted(better.reversed()).toList();
        if (ranked.isEmpty()) return null;
        Cell best = ranked.get(0);
        if (ranked.size() < 2) return best;
        Cell next = ranked.get(1);
        if (windowed(r)) {
            return PerplexityUncertainty.significantlyBelowPaired(best.windows(), next.windows()) ? best : null;
        }
        Double correct = best.metrics().get("top1Correct");
        if (correct == null) return best;
        Double nextCorrect = next.metrics().get("top1Correct");
        if (nextCorrect == null) return best;
        boolean beyondChance = paired(r) ? Accuracy.significantlyAbovePaired(best.outcomeBits(), next.outcomeBits())
                : Accuracy.significantlyAbove(correct, best.examples(), nextCorrect, next.examples());
        return beyondChance ? best : null;
    }

    /** @return whether every cell of the sweep has window losses (then bold is decided by a paired bootstrap) */
    private static boolean windowed(SweepResult r) {
        return r.fp32().windows() != null && r.cells().stream().allMatch(c -> c.windows() != null);
    }

    /** @return whether every cell of the sweep has per-example outcomes (then bold is decided by a paired test) */
    private static boolean paired(SweepResult r) {
        return r.fp32().outcomes() != null && r.cells().stream().allMatch(c -> c.outcomes() != null);
    }

    static String markdown(SweepResult r, String title, List<SweepPlots.Plot> plots) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(title).append("\n\n");
        if (r.calibration().contains(CalibrationData.FROM_EVALUATION_DATA)) {
            sb.append("**Calibrated on the evaluation data**: the activation clip values come from a random sample of")
                    .append(" the images this table scores (the paper calibrates on training images; give")
                    .append(" `--calibration-data` for a separate set).\n\n");
        }
        sb.append(r.metric()).append(" on ").append(r.data()).append(r.higherIsBetter() ? "" : " (lower is better)")
                .append(". Weights per tensor")
                .append(" (signed grid, round half to even) unless a column says per-channel, of the model as it is")
                .append(" (batch norms unfolded) unless it says fold; BC: bias correction on the calibration data;")
                .append(" activations at the")
                .append(" row's bits with α by ").append(r.config().base().activationClip()).append(", calibrated on ")
                .append(r.calibration()).append(". OCS columns split grid-aware unless marked plain; ")
                .append(r.config().base().policy()).append(". ").append(r.fp32().metrics().containsKey("top1Correct")
                        ? "± is the 95 % Wilson interval of each accuracy over its " + r.fp32().examples()
                        + " examples; the best of a row is bold only when it is above the runner-up beyond chance"
                        + (paired(r) ? " (exact McNemar test at 5 % on the examples the two score differently:"
                        + " paired, as both score the same examples)." : " (two-proportion z-test at 5 %, unpaired,"
                        + " so conservative: the cells score the same examples).")
                        : windowed(r) ? "± is half the width of the 95 % bootstrap interval of each perplexity ("
                        + PerplexityUncertainty.RESAMPLES + " draws with replacement of its " + r.fp32().windows().size()
                        + " windows); the best of a row is bold only when it is below the runner-up beyond chance (the"
                        + " paired bootstrap interval of their mean-NLL difference, same draws, excludes 0)."
                        : "Best of each row in bold.")
                .append("\n\n");
        sb.append(table(r)).append('\n');
        List<Cell> best = r.cells().stream().filter(c -> c.column().equals(Column.OCS_BEST.id())).toList();
        if (!best.isEmpty()) {
            sb.append("OCS + best clip takes, in each row, the expand ratio of the grid-aware OCS column and the clip")
                    .append(" method of the clipping column with the lowest output error against FP32 on the calibration")
                    .append(" data (not on the scores above): ");
            List<String> parts = new ArrayList<>();
            for (Cell c : best) parts.add(c.row() + " `" + c.resolvedAs() + "`");
            sb.append(String.join(", ", parts)).append(".\n\n");
        }
        overhead(sb, r);
        mixedWidths(sb, r);
        if (!plotsAvailable()) {
            sb.append("Plots not drawn: XChart (org.knowm.xchart:xchart) was not on the class path.\n\n");
        }
        for (SweepPlots.Plot p : plots) {
            sb.append("![").append(p.caption()).append("](").append(p.file().getFileName()).append(")\n\n");
        }
        provenance(sb, r);
        return sb.toString();
    }

    /** One line: the extra weights of every OCS variant of the table. */
    private static void overhead(StringBuilder sb, SweepResult r) {
        Cell anyOcs = r.cells().stream().filter(c -> c.splitLayers() > 0).findFirst().orElse(null);
        if (anyOcs != null) {
            sb.append("OCS overhead: ");
            Map<String, String> overhead = new LinkedHashMap<>();
            for (Cell c : r.cells()) {
                if (c.splitLayers() > 0 && c.row().equals(anyOcs.row())) {
                    overhead.putIfAbsent(c.resolvedAs(), c.resolvedAs() + " +" + String.format(Locale.ROOT, "%,d",
                            c.extraWeights()) + " weights in " + c.splitLayers() + " layers");
                }
            }
            sb.append(String.join("; ", overhead.values())).append(".\n\n");
        }
    }

    /** One line per mixed-precision cell: the weight width each layer got. */
    private static void mixedWidths(StringBuilder sb, SweepResult r) {
        List<String> lines = new ArrayList<>();
        for (Cell c : r.cells()) {
            if (!c.column().equals("ocs+best") && Column.parse(c.column()).mixedPrecision() && c.layers() != null
                    && c.layers().stream().allMatch(l -> l.weightBits() != null)) {
                lines.add("- " + c.row() + " `" + c.column() + "`: " + c.layers().stream().map(l -> l.layer() + " "
                        + l.weightBits()).collect(java.util.stream.Collectors.joining(", ")));
            }
        }
        if (!lines.isEmpty()) {
            sb.append("Mixed precision, weight bits per layer (the row's bits are the average per weight):\n\n")
                    .append(String.join("\n", lines)).append("\n\n");
        }
    }

    private static void provenance(StringBuilder sb, SweepResult r) {
        double seconds = r.fp32().seconds() + r.cells().stream().mapToDouble(Cell::seconds).sum();
        sb.append("## Provenance\n\n");
        var p = r.provenance();
        sb.append("| | |\n|---|---|\n");
        row(sb, "command", "`" + p.command() + "`");
        row(sb, "model SHA-256", p.modelSha256());
        row(sb, "data", r.data());
        row(sb, "calibration", r.calibration() + ", seed " + p.seed());
        row(sb, "settings", p.settings());
        row(sb, "ocs4j / DL4J / Java", p.ocs4jVersion() + " / " + p.dl4jVersion() + " / " + p.javaVersion());
        row(sb, "backend", p.backend());
        row(sb, "CPU", p.cpu());
        row(sb, "OS", p.os());
        row(sb, "finished", p.timestamp());
        row(sb, "compute time", String.format(Locale.ROOT, "%.0f s over %d cells (%d read back from an earlier run)",
                seconds, r.cells().size() + 1, r.reused()));
        sb.append("\nEvery cell with its per-layer clip values and SQNR: [").append(JSON).append("](").append(JSON)
                .append("), [").append(CSV).append("](").append(CSV).append(").\n");
    }

    private static void row(StringBuilder sb, String key, String value) {
        sb.append("| ").append(key).append(" | ").append(value.replace("|", "\\|")).append(" |\n");
    }

    static String csv(SweepResult r) {
        Set<String> metricKeys = new LinkedHashSet<>(r.fp32().metrics().keySet());
        r.cells().forEach(c -> metricKeys.addAll(c.metrics().keySet()));
        StringBuilder sb = new StringBuilder("row,weight_bits,activation_bits,column,label,resolved_as,value");
        for (String k : metricKeys) sb.append(',').append(k);
        sb.append(",examples,seconds,split_layers,extra_weights\n");
        List<Cell> all = new ArrayList<>();
        all.add(r.fp32());
        all.addAll(r.cells());
        for (Cell c : all) {
            Row row = c.row().equals("FP32") ? Row.FP32 : r.config().rows().stream()
                    .filter(x -> x.label().equals(c.row())).findFirst().orElseThrow();
            String label = c.column().equals("fp32") ? "FP32" : Column.parse(c.column()).label();
            sb.append(c.row()).append(',').append(row.weightBits()).append(',').append(row.activationBits())
                    .append(',').append(c.column()).append(',').append(label).append(',').append(c.resolvedAs())
                    .append(',').append(num(c.value()));
            for (String k : metricKeys) {
                Double v = c.metrics().get(k);
                sb.append(',').append(v == null ? "" : num(v));
            }
            sb.append(',').append(c.examples()).append(',').append(String.format(Locale.ROOT, "%.2f", c.seconds()))
                    .append(',').append(c.splitLayers()).append(',').append(c.extraWeights()).append('\n');
        }
        return sb.toString();
    }

    static String json(SweepResult r, String title) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", title);
        m.put("metric", r.metric());
        m.put("higherIsBetter", r.higherIsBetter());
        m.put("data", r.data());
        m.put("calibration", r.calibration());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("weightBits", r.config().weightBits());
        config.put("activationBits", r.config().activationBits());
        config.put("columns", r.config().columns().stream().map(Column::id).toList());
        config.put("activationClip", r.config().base().activationClip().toString());
        config.put("policy", r.config().base().policy().toString());
        config.put("calibrationBatches", r.config().base().calibrationBatches());
        config.put("seed", r.config().base().seed());
        m.put("config", config);
        m.put("fp32", r.fp32());
        m.put("cells", r.cells());
        m.put("reusedCells", r.reused());
        m.put("provenance", r.provenance());
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return String.valueOf(v);
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.valueOf((long) v);
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
