package org.ocs4j.cli;

import org.ocs4j.imports.ModelLoader;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.io.NpyFiles;
import org.ocs4j.quant.Clip;
import org.ocs4j.Ocs;
import org.ocs4j.OcsModel;
import org.ocs4j.pipeline.OcsConfig;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ocs4j.graph.LayerPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ocs4j quantize MODEL --weight-bits B --activation-bits A ... --out FILE --report FILE.json}: fixed-point
 * simulation (with optional OCS) as a new DL4J model plus a per-layer report, worst layers first.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Simulate fixed point: fake-quantize weights (optionally after OCS) and activations (static clip"
                + " values calibrated on --calibration inputs) and write the simulated DL4J model and a JSON report.")
final class QuantizeCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "DL4J model zip")
    Path model;

    @Option(names = "--weight-bits", required = true, description = "2..16")
    int weightBits;

    @Option(names = "--activation-bits", defaultValue = "0", description = "2..16, or 0 to keep activations FP32")
    int activationBits;

    @Option(names = "--clip", defaultValue = "none", description = "none|max[:c]|mse|aciq|kl|percentile[:p] (weights and activations)")
    String clip;

    @Option(names = "--expand-ratio", defaultValue = "0", description = "weight OCS expand ratio in [0, 1]")
    double expandRatio;

    @Option(names = "--grid-aware", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "grid-aware splitting (default on)")
    boolean gridAware;

    @Option(names = "--per-channel", description = "one weight scale per output channel")
    boolean perChannel;

    @Option(names = "--fold-batch-norm", description = "quantize the deployed model: batch norms folded into the"
            + " conv/dense layer before them first")
    boolean foldBatchNorm;

    @Option(names = "--equalize", description = "cross-layer equalization (folds batch norms too; pairs"
            + " joined by ReLU6 are left alone: replacing it by ReLU is not exact)")
    boolean equalize;

    @Option(names = "--bias-correction", description = "subtract each quantized layer's expected output shift on"
            + " the calibration data from its bias (needs calibration inputs)")
    boolean biasCorrection;

    @Option(names = "--mixed-precision", description = "--weight-bits becomes the average bits per weight; each"
            + " layer gets its own width (bits - 2 to bits + 4) by its sensitivity on the calibration data (needs"
            + " calibration inputs)")
    boolean mixedPrecision;

    @Option(names = "--policy", defaultValue = "default", description = "default or reference")
    String policy;

    @Option(names = "--reference-compatible", description = "the reference code's quirks: weight clip fitted on the unsplit weights, signed activation grid even after ReLU")
    boolean referenceCompatible;

    @Option(names = "--calibration", description = "float .npy of calibration inputs, batch first (or use --data)")
    Path calibration;

    /** Calibration images instead of a .npy: --calibration-batches random batches of --data (or --calibration-data). */
    @Mixin
    DataOptions data;

    @Option(names = "--calibration-cache", description = "calibration statistics JSON: reused when it exists"
            + " (refused if made for another model), written after calibrating when it does not")
    Path calibrationCache;

    @Option(names = "--calibration-batches", defaultValue = "4", description = "batches per pass (default 4)")
    int calibrationBatches;

    @Option(names = "--batch-size", defaultValue = "32", description = "calibration batch size (default 32)")
    int batchSize;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the random calibration draw from --data"
            + " (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--activation-expand-ratio", defaultValue = "0", description = "activation OCS: fraction of each"
            + " quantized layer's input channels to split by calibrated max|a|, in [0, 1] (needs calibration data)")
    double activationExpandRatio;

    @Option(names = "--out", required = true, description = "simulated model zip to write")
    Path out;

    @Option(names = "--report", required = true, description = "JSON report to write")
    Path report;

    @Override
    public Integer call() throws Exception {
        ModelFiles.requireOutputs("--out", out, "--report", report, "--calibration-cache", calibrationCache);
        ModelFiles.requireNotInput(out, model, calibration);
        ModelFiles.requireNotInput(report, model, out, calibration);
        if (calibrationCache != null) {
            ModelFiles.requireNotInput(calibrationCache, model, out, report, calibration);
        }
        Clip method = Clip.parse(clip);
        OcsConfig config = OcsConfig.builder().weightBits(weightBits).activationBits(activationBits)
                .weightClip(method).activationClip(method).perChannel(perChannel).expandRatio(expandRatio)
                .gridAware(gridAware).referenceCompatible(referenceCompatible).policy(LayerPolicy.named(policy))
                .calibrationBatches(calibrationBatches).activationExpandRatio(activationExpandRatio).seed(seed)
                .foldBatchNorm(foldBatchNorm).equalize(equalize).biasCorrection(biasCorrection)
                .mixedPrecision(mixedPrecision).build();
        Model original = ModelLoader.load(model);
        Calibration cal = calibration(original);
        if (cal.iterator() == null) {
            if (activationExpandRatio != 0 || biasCorrection || mixedPrecision) {
                throw new IllegalArgumentException((biasCorrection ? "--bias-correction" : mixedPrecision
                        ? "--mixed-precision" : "--activation-expand-ratio")
                        + " needs calibration inputs (--calibration FILE.npy or --data)");
            }
            if (activationBits != 0 && (calibrationCache == null || !java.nio.file.Files.exists(calibrationCache))) {
                throw new IllegalArgumentException("--activation-bits " + activationBits + " needs --calibration"
                        + " inputs, --data images or an existing --calibration-cache (or use --activation-bits 0)");
            }
        }
        OcsModel<Model> q = Ocs.ofModel(original).config(config).calibrateOn(cal.iterator(), cal.description())
                .calibrationCache(calibrationCache).progress(ConsoleProgress.forConsole())
                .describedAs("ocs4j quantize " + model, ModelFiles.sha256(model)).quantize();
        String text = QuantizeReportJson.toJson(q, cal.report()) + "\n";
        ModelFiles.save(q.model(), out, ModelFiles.inputShape(model).orElse(null));
        ModelFiles.writeString(report, text);
        var worst = q.report().worstFirst().get(0);
        System.out.printf("%d layers quantized (%s); worst weight SQNR %.1f dB in %s%nwrote %s and %s%n",
                q.report().layers().size(), config, worst.weightSqnrDb(), worst.layer(), out, report);
        return 0;
    }

    /** Calibration batches and what they are, from --data or --calibration (none when neither is given). */
    private record Calibration(DataSetIterator iterator, String description, Map<String, Object> report) {
    }

    private Calibration calibration(Model original) throws java.io.IOException {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be at least 1");
        }
        if (calibration != null && data.given()) {
            throw new IllegalArgumentException("give calibration inputs once: --calibration FILE.npy or --data");
        }
        Map<String, Object> cal = new LinkedHashMap<>();
        DataSetIterator it = null;
        String description = null;
        if (data.given()) {
            DataOptions.Opened opened = data.openCalibration(original, model, batchSize, calibrationBatches, seed);
            it = opened.iterator();
            description = opened.description();
        } else if (calibration != null) {
            INDArray inputs = NpyFiles.readFloating(calibration).castTo(original.params().dataType());
            if (inputs.size(0) == 0) {
                throw new IllegalArgumentException("calibration file " + calibration + " holds no examples");
            }
            DataSet all = new DataSet(inputs, Nd4j.zeros(inputs.dataType(), inputs.size(0), 1));
            it = new ListDataSetIterator<>(all.batchBy(batchSize), 1);
            description = "file " + calibration + " (sha256 " + ModelFiles.sha256(calibration) + "), its examples in"
                    + " file order, batches of " + batchSize;
        }
        if (description != null) cal.put("data", description);
        cal.put("batches", calibrationBatches);
        if (calibrationCache != null) cal.put("cache", calibrationCache.toString());
        return new Calibration(it, description, cal);
    }
}
