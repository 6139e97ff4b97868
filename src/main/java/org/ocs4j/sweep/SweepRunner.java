package org.ocs4j.sweep;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.eval.OutputError;
import org.ocs4j.eval.Provenance;
import org.ocs4j.progress.Progress;
import org.ocs4j.exec.Executor;
import org.ocs4j.pipeline.CalibrationData;
import org.ocs4j.pipeline.OcsConfig;
import org.ocs4j.pipeline.Pipeline;
import org.ocs4j.pipeline.Work;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link SweepConfig} on one model: the FP32 reference, then every row × column cell through the quantization
 * {@link Pipeline} and the {@link Scorer}. Each finished cell is stored in the output directory at once
 * ({@link SweepStore}); a rerun after an interruption reads finished cells back and computes only the rest.
 * Activation calibration statistics are cached in {@code calibration/}, one file per distinct activation layout (one
 * for every column without OCS; one per set of channels OCS duplicates, shared by the variants that duplicate the same
 * channels whatever their bits, grid or clip; see {@link Work#calibrationCachesIn}), and so are computed once. The
 * input model is never modified. Made by {@code Ocs.sweep(model)}; every setter is optional but the scorer.
 */
public final class SweepRunner {

    /** The metric {@code ocs+best} chooses by: {@code Σ(y − y_fp32)² / Σ y_fp32²} on the calibration batches. */
    public static final String CALIBRATION_ERROR = "calibrationOutputError";

    private final Model model;
    private SweepConfig config = SweepConfig.paper();
    private Scorer scorer;
    private DataSetIterator calibration;
    private String calibrationDescription = "none";
    /** FP32 outputs on the calibration batches, computed at the first cell that needs them. */
    private OutputError.Reference calibrationReference;
    private Progress progress = Progress.NONE;
    private String command = "ocs4j API (Ocs.sweep(...))";
    private String modelSha256 = "in-memory";
    private String title;
    private boolean force;

    /** @param model the FP32 model (MLN or CG) */
    public SweepRunner(Model model) {
        if (model == null) {
            throw new IllegalArgumentException("model is null");
        }
        this.model = model;
    }

    /** @param config rows and columns; default {@link SweepConfig#paper()} */
    public SweepRunner config(SweepConfig config) {
        this.config = config;
        return this;
    }

    /** @param scorer what each cell measures (required) */
    public SweepRunner scorer(Scorer scorer) {
        this.scorer = scorer;
        return this;
    }

    /**
     * Scores each cell by top-1 accuracy on {@code test} (fast executor, every output a class).
     *
     * @param description what the data is, for the report and the sweep's identity
     */
    public SweepRunner classifier(DataSetIterator test, String description) {
        return scorer(new ClassificationScorer(() -> test, 0, 0, description, Executor.FAST));
    }

    /**
     * @param batches     calibration batches (resettable), drawn from other data than the scored set
     * @param description what they are and how they were drawn, for the identity and reports
     */
    public SweepRunner calibrateOn(DataSetIterator batches, String description) {
        this.calibration = batches;
        this.calibrationDescription = description;
        this.calibrationReference = null;
        return this;
    }

    /** @param p told of every cell's steps */
    public SweepRunner progress(Progress p) {
        this.progress = p == null ? Progress.NONE : p;
        return this;
    }

    /**
     * @param cmd    the command to record in the provenance
     * @param sha256 the model file's checksum (or another stable identifier), part of the sweep's identity
     */
    public SweepRunner describedAs(String cmd, String sha256) {
        this.command = cmd;
        this.modelSha256 = sha256;
        return this;
    }

    /** @param on write into an existing folder that holds files that are no sweep's (never into another sweep) */
    public SweepRunner force(boolean on) {
        this.force = on;
        return this;
    }

    /** @param heading the report's heading; default "ocs4j sweep" */
    public SweepRunner title(String heading) {
        this.title = heading;
        return this;
    }

    /** @return what makes two runs the same sweep (a directory holding another one is refused) */
    public String identity() {
        requireScorer();
        OcsConfig base = config.base();
        return "model sha256 " + modelSha256 + "; " + scorer.metric() + " on " + scorer.describe()
                + "; activations α by " + base.activationClip() + "; " + base.policy() + "; calibration "
                + base.calibrationBatches() + " batches of " + calibrationDescription + " (seed " + base.seed()
                + ")";
    }

    /**
     * Runs (or resumes) the sweep in {@code dir} and writes its report there ({@link SweepReport#write}).
     *
     * @throws IllegalArgumentException when {@code dir} holds another sweep, or activations are quantized and no
     *                                  calibration data was given
     */
    public SweepResult runAndReport(Path dir) throws IOException {
        SweepResult r = run(dir);
        SweepReport.write(r, title != null ? title : "ocs4j sweep", model, dir);
        return r;
    }

    private void requireScorer() {
        if (scorer == null) {
            throw new IllegalArgumentException("a sweep needs a scorer: classifier(testData, description) or"
                    + " scorer(new PerplexityScorer(...))");
        }
    }

    /**
     * Runs (or resumes) the sweep, storing cells in {@code dir}.
     *
     * @throws IllegalArgumentException when {@code dir} holds another sweep
     */
    public SweepResult run(Path dir) {
        requireScorer();
        if (calibration == null && config.columns().contains(Column.OCS_BEST)) {
            throw new IllegalArgumentException("ocs+best chooses its expand ratio and clip method by the output error"
                    + " on calibration data: calibrateOn(batches, description), or drop the column");
        }
        if (calibration == null && config.activationBits().stream().anyMatch(a -> a != 0)) {
            throw new IllegalArgumentException("activation bits " + config.activationBits() + " need calibration"
                    + " data: calibrateOn(batches, description)");
        }
        try (SweepStore cells = SweepStore.open(dir, identity(), force)) {
            cells.expect(1 + config.rows().size() * config.columns().size());
            return run(dir, cells);
        } catch (IOException e) {
            throw new UncheckedIOException("could not use the sweep directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private SweepResult run(Path dir, SweepStore store) {
        Cell fp32 = store.cell(Row.FP32.label(), "fp32", () -> {
            long t0 = System.nanoTime();
            Scorer.Score s = scorer.score(model, progress);
            return new Cell(Row.FP32.label(), "fp32", "fp32", s.value(), s.metrics(), s.examples(), seconds(t0), 0, 0,
                    List.of(), Cell.encode(s.outcomes()), s.windows());
        });
        List<Cell> cells = new ArrayList<>();
        for (Row row : config.rows()) {
            cells.addAll(row(row, store, dir));
        }
        Provenance provenance = Provenance.capture(command, modelSha256, config.base().seed(), config
                + "; calibration " + calibrationDescription);
        return new SweepResult(config, scorer.metric(), scorer.higherIsBetter(), scorer.describe(),
                config.base().calibrationBatches() + " batches of " + calibrationDescription, fp32, List.copyOf(cells),
                store.reused(), provenance);
    }

    /** One row's cells in the configured column order, {@code ocs+best} resolved after the others. */
    private List<Cell> row(Row row, SweepStore store, Path dir) {
        List<Cell> rowCells = new ArrayList<>();
        for (Column column : config.columns()) {
            if (!column.bestOfRow()) {
                rowCells.add(store.cell(row.label(), column.id(), () -> measure(row, column, column.id(), dir)));
                // the cell's models and arrays are garbage now; ND4J's CPU backend frees their off-heap memory only
                // when the Java GC runs, which a small Java heap seldom triggers (a PTB sweep grew to 14.5 GB of
                // resident memory over 21 cells and was stopped by JavaCPP's limit)
                Nd4j.getMemoryManager().invokeGc();
            }
        }
        if (config.columns().contains(Column.OCS_BEST)) {
            rowCells.add(store.cell(row.label(), Column.OCS_BEST.id(), () -> {
                Column resolved = resolveBest(rowCells);
                Cell same = rowCells.stream().filter(x -> x.column().equals(resolved.id())).findFirst().orElse(null);
                return same != null ? same.as(Column.OCS_BEST.id()) : measure(row, resolved, Column.OCS_BEST.id(), dir);
            }));
        }
        List<Cell> ordered = new ArrayList<>();
        for (Column column : config.columns()) {
            rowCells.stream().filter(x -> x.column().equals(column.id())).findFirst().ifPresent(ordered::add);
        }
        return ordered;
    }


    /**
     * OCS + best clip of a row: the grid-aware OCS ratio and the clipping method whose cells have the lowest output
     * error against FP32 on the calibration batches — never the scored data, which the table reports.
     */
    private Column resolveBest(List<Cell> rowCells) {
        Comparator<Cell> byError = Comparator.comparingDouble(c -> {
            Double e = c.metrics().get(CALIBRATION_ERROR);
            if (e == null) {
                throw new IllegalStateException("cell " + c.key() + " has no output error on calibration data (stored"
                        + " by an older ocs4j): run this sweep in a new directory");
            }
            return e;
        });
        Cell bestClip = rowCells.stream().filter(c -> Column.parse(c.column()).clipCandidate()).min(byError)
                .orElseThrow();
        Cell bestOcs = rowCells.stream().filter(c -> Column.parse(c.column()).ocsCandidate()).min(byError)
                .orElseThrow();
        return Column.ocs(Column.parse(bestOcs.column()).expandRatio(), Column.parse(bestClip.column()).clip(), true);
    }

    private Cell measure(Row row, Column column, String filedAs, Path dir) {
        long t0 = System.nanoTime();
        OcsConfig cell = column.config(config.base(), row.weightBits(), row.activationBits());
        Work work = new Work(cell, model,
                calibration == null ? null : new CalibrationData(calibration, calibrationDescription), null, progress);
        if (row.activationBits() != 0) {
            work.calibrationCachesIn(calibrationFolder(dir));
        }
        Work w = Pipeline.quantization().run(work);
        Scorer.Score s = scorer.score(w.model(), progress);
        Map<String, Double> metrics = new LinkedHashMap<>(s.metrics());
        if (calibration != null) {
            if (calibrationReference == null) {
                calibrationReference = OutputError.reference(model, calibration, config.base().calibrationBatches());
            }
            metrics.put(CALIBRATION_ERROR, calibrationReference.relative(w.model()));
        }
        List<Cell.Layer> layers = w.layers().stream().map(Cell.Layer::of).toList();
        int split = w.widening() == null ? 0 : w.widening().layers().size();
        long extra = w.widening() == null ? 0 : w.widening().extraWeights();
        return new Cell(row.label(), filedAs, column.id(), s.value(), metrics, s.examples(), seconds(t0), split,
                extra, layers, Cell.encode(s.outcomes()), s.windows());
    }

    private static Path calibrationFolder(Path dir) {
        Path folder = dir.resolve("calibration");
        try {
            return java.nio.file.Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + folder, e);
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
