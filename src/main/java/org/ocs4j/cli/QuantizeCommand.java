package org.ocs4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.eval.Provenance;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.io.NpyFiles;
import org.ocs4j.quant.Clip;
import org.ocs4j.quant.ModelQuantizer;
import org.ocs4j.quant.QuantizeSettings;
import org.ocs4j.quant.QuantizedLayer;
import org.ocs4j.rewrite.LayerPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
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

    @Option(names = "--policy", defaultValue = "default", description = "default or reference")
    String policy;

    @Option(names = "--reference-compatible", description = "the reference code's quirks (see OCS-SPEC)")
    boolean referenceCompatible;

    @Option(names = "--calibration", description = "float .npy of calibration inputs, batch first (or use --data)")
    Path calibration;

    /** Calibration images instead of a .npy: the first --calibration-batches batches of --data. */
    @Mixin
    DataOptions data;

    @Option(names = "--calibration-cache", description = "calibration statistics JSON: reused when it exists"
            + " (refused if made for another model), written after calibrating when it does not")
    Path calibrationCache;

    @Option(names = "--calibration-batches", defaultValue = "4", description = "batches per pass (default 4)")
    int calibrationBatches;

    @Option(names = "--batch-size", defaultValue = "32", description = "calibration batch size (default 32)")
    int batchSize;

    @Option(names = "--activation-expand-ratio", defaultValue = "0", description = "activation OCS: fraction of each"
            + " quantized layer's input channels to split by calibrated max|a|, in [0, 1] (needs calibration data)")
    double activationExpandRatio;

    @Option(names = "--out", required = true, description = "simulated model zip to write")
    Path out;

    @Option(names = "--report", required = true, description = "JSON report to write")
    Path report;

    @Override
    public Integer call() throws Exception {
        ModelFiles.requireNotInput(out, model, calibration);
        ModelFiles.requireNotInput(report, model, out, calibration);
        if (calibrationCache != null) {
            ModelFiles.requireNotInput(calibrationCache, model, out, report, calibration);
        }
        Clip method = Clip.parse(clip);
        QuantizeSettings settings = new QuantizeSettings(weightBits, activationBits, method, method, perChannel,
                expandRatio, gridAware, referenceCompatible, LayerPolicy.named(policy), calibrationBatches);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be at least 1");
        }
        Model original = ModelFiles.load(model);
        org.nd4j.linalg.dataset.api.iterator.DataSetIterator calibrationData = null;
        String calibrationDescription = null;
        if (calibration != null && data.given()) {
            throw new IllegalArgumentException("give calibration inputs once: --calibration FILE.npy or --data");
        }
        if (data.given()) {
            DataOptions.Opened opened = data.open(original, model, batchSize);
            calibrationData = opened.iterator();
            calibrationDescription = opened.description();
        } else if (calibration != null) {
            INDArray inputs = NpyFiles.readFloating(calibration).castTo(original.params().dataType());
            if (inputs.size(0) == 0) {
                throw new IllegalArgumentException("calibration file " + calibration + " holds no examples");
            }
            DataSet all = new DataSet(inputs, Nd4j.zeros(inputs.dataType(), inputs.size(0), 1));
            calibrationData = new ListDataSetIterator<>(all.batchBy(batchSize), 1);
        } else if (activationBits != 0 && (calibrationCache == null || !java.nio.file.Files.exists(calibrationCache))) {
            throw new IllegalArgumentException("--activation-bits " + activationBits
                    + " needs --calibration inputs, --data images or an existing --calibration-cache"
                    + " (or use --activation-bits 0)");
        }
        Model toQuantize = original;
        org.ocs4j.rewrite.ModelWidener.Widened activationOcs = null;
        if (activationExpandRatio != 0) {
            if (calibrationData == null) {
                throw new IllegalArgumentException("--activation-expand-ratio needs calibration inputs"
                        + " (--calibration FILE.npy or --data)");
            }
            if (calibrationCache != null) {
                throw new IllegalArgumentException("--activation-expand-ratio changes the network, so a calibration"
                        + " cache of the original model does not apply: drop --calibration-cache");
            }
            activationOcs = org.ocs4j.quant.ActivationOcs.apply(original, activationExpandRatio,
                    LayerPolicy.named(policy), calibrationData, calibrationBatches, ConsoleProgress.forConsole());
            toQuantize = activationOcs.model();
        }
        ModelQuantizer.Quantized q = ModelQuantizer.quantize(toQuantize, settings, calibrationData, calibrationCache,
                ConsoleProgress.forConsole());

        List<QuantizedLayer> worstFirst = new ArrayList<>(q.layers());
        worstFirst.sort(Comparator.comparingDouble(QuantizedLayer::weightSqnrDb));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", settings.toString());
        if (activationOcs != null) {
            json.put("activationOcs", Map.of("expandRatio", activationExpandRatio,
                    "splitLayers", activationOcs.report().layers().size(),
                    "skippedLayers", activationOcs.report().skipped().size(),
                    "extraWeights", activationOcs.report().extraWeights()));
        }
        if (q.widen() != null) {
            json.put("ocs", Map.of("splitLayers", q.widen().layers().size(), "extraWeights", q.widen().extraWeights()));
        }
        List<Map<String, Object>> layers = new ArrayList<>();
        for (QuantizedLayer l : worstFirst) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", l.layer());
            m.put("type", l.layerType());
            m.put("weightAlpha", l.weightAlpha());
            m.put("weightSqnrDb", l.weightSqnrDb());
            if (l.split() != null) m.put("ocs", l.split());
            if (l.activationGrid() != null) {
                m.put("activationAlpha", l.activationAlpha());
                m.put("activationGrid", l.activationGrid().toString());
                m.put("activationSqnrDb", l.activationSqnrDb());
            }
            layers.add(m);
        }
        json.put("layersWorstFirst", layers);
        if (activationBits != 0) {
            Map<String, Object> cal = new LinkedHashMap<>();
            if (calibration != null) {
                cal.put("file", calibration.toString());
                cal.put("sha256", ModelFiles.sha256(calibration));
                cal.put("batchSize", batchSize);
            }
            if (calibrationDescription != null) {
                cal.put("data", calibrationDescription);
                cal.put("batchSize", batchSize);
            }
            cal.put("batches", calibrationBatches);
            if (calibrationCache != null) cal.put("cache", calibrationCache.toString());
            json.put("calibration", cal);
        }
        json.put("provenance", Provenance.capture("ocs4j quantize " + model, ModelFiles.sha256(model), 0,
                settings.toString()));
        String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n";
        ModelFiles.save(q.model(), out, ModelFiles.inputShape(model).orElse(null));
        ModelFiles.writeString(report, text);
        QuantizedLayer worst = worstFirst.get(0);
        System.out.printf("%d layers quantized (%s); worst weight SQNR %.1f dB in %s%nwrote %s and %s%n",
                q.layers().size(), settings, worst.weightSqnrDb(), worst.layer(), out, report);
        return 0;
    }
}
