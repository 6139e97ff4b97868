package org.ocs4j.pipeline;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ocs4j.graph.Networks;
import org.ocs4j.progress.Progress;
import org.ocs4j.quant.QuantizedLayer;
import org.ocs4j.rewrite.WidenPlan;
import org.ocs4j.rewrite.WidenReport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one pipeline run, handed from stage to stage: the caller's model (never modified), the model as the
 * stages have made it so far, the FP32 model activation quantizers are calibrated on, and what each stage reports.
 */
public final class Work {

    final OcsConfig config;
    final Model original;
    final Progress progress;
    final CalibrationData calibrationData;
    final Path calibrationCache;
    final InputType[] inputTypes;
    /** A folder of calibration caches, one per calibrated activation layout, or null. */
    private Path calibrationFolder;

    /** The model as the stages have made it so far. */
    Model model;
    /** The model OCS starts from: the original, or its batch norms folded. */
    Model prepared;
    /** The model before weight OCS (after activation OCS): what reference-compatible clip values are fitted on. */
    Model unwidened;
    /** The FP32 model the quantized model derives from (widened, not quantized): what calibration measures. */
    Model fp32;
    /** Budgeted OCS: node name → splits, replacing the uniform ratio; null otherwise. */
    Map<String, Integer> splitCounts;
    /** Mixed precision: node name → weight bit width of every layer the policy quantizes; null for one width. */
    Map<String, Integer> layerBits;
    WidenPlan plan;
    WidenReport widening;
    WidenReport activationSplitting;
    /** Node names of the layers whose weights are quantized, in topological order. */
    final List<String> quantizedLayers = new ArrayList<>();
    /** Node name of a quantized layer → its report. */
    final Map<String, QuantizedLayer> layers = new LinkedHashMap<>();
    /** Node name of a quantized layer (in {@link #fp32}) → its name in {@link #model}, where the two differ. */
    final Map<String, String> renamed = new LinkedHashMap<>();
    /** Node name of a quantized layer → node name of the activation quantizer at its input. */
    final Map<String, String> quantizers = new LinkedHashMap<>();
    /** What the stages that prepare the model (batch-norm folding, bias correction) did, one line each. */
    final List<String> preparation = new ArrayList<>();
    /** How the calibration data was used, for reports: null until calibration ran or a cache was read. */
    String calibrationUsed;
    /** How the rewritten model was checked against the original, for reports: null when nothing was rewritten. */
    String identity;

    /**
     * @param config           what to do (validated)
     * @param original         the caller's model, an initialized MultiLayerNetwork or ComputationGraph
     * @param calibrationData  calibration batches and what they are, or null
     * @param calibrationCache a calibration statistics file to reuse or write, or null
     * @param progress         told of every long step
     * @param inputTypes       the network's input types, or none (then multiply-add counts are not reported)
     * @throws IllegalArgumentException when the model is of another kind, or a layer's parameters hold NaN or
     *                                  infinite values (naming it)
     */
    public Work(OcsConfig config, Model original, CalibrationData calibrationData, Path calibrationCache,
                Progress progress, InputType... inputTypes) {
        if (!(original instanceof MultiLayerNetwork) && !(original instanceof ComputationGraph)) {
            throw new IllegalArgumentException("ocs4j works on a MultiLayerNetwork or ComputationGraph, not "
                    + (original == null ? "null" : original.getClass().getSimpleName()));
        }
        Networks.requireFiniteParameters(original);
        this.config = config;
        this.original = original;
        this.model = original;
        this.prepared = original;
        this.calibrationData = calibrationData;
        this.calibrationCache = calibrationCache;
        this.progress = progress == null ? Progress.NONE : progress;
        this.inputTypes = inputTypes.clone();
    }

    /**
     * Reuses and writes calibration caches in {@code folder}, one per calibrated activation layout, named by its
     * fingerprint ({@code activations-<first 16 hex digits>.json}) — what a sweep does, so that every cell whose
     * model computes the same activations (no OCS; OCS variants that duplicate the same channels) calibrates once.
     * Replaces the single cache file given to the constructor.
     *
     * @param folder an existing folder
     * @return this
     */
    public Work calibrationCachesIn(Path folder) {
        this.calibrationFolder = folder;
        return this;
    }

    /** @return the cache file for activations of this fingerprint: the named file, one in the folder, or null */
    Path calibrationCacheFile(String fingerprint) {
        return calibrationFolder != null ? calibrationFolder.resolve("activations-" + fingerprint.substring(0, 16)
                + ".json") : calibrationCache;
    }

    /** @return the model as the stages have made it (after the last stage: the result) */
    public Model model() {
        return model;
    }

    /** @return the weight-OCS report, or null when no weights were split */
    public WidenReport widening() {
        return widening;
    }

    /** @return the activation-OCS report, or null when activations were not split */
    public WidenReport activationSplitting() {
        return activationSplitting;
    }

    /** @return one report per quantized layer, in topological order (empty when nothing was quantized) */
    public List<QuantizedLayer> layers() {
        return List.copyOf(layers.values());
    }

    /** @return what batch-norm folding and bias correction did, one line each (empty when neither ran) */
    public List<String> preparation() {
        return List.copyOf(preparation);
    }

    /** @return how the rewritten FP32 model was checked against the original, or null when OCS rewrote nothing */
    public String identity() {
        return identity;
    }

    /** @return how calibration data was used, or null when none was needed */
    public String calibrationUsed() {
        return calibrationUsed;
    }

    /**
     * @return the weight bit width of the quantized layer {@code node}: its planned width with mixed precision, the
     * configuration's otherwise
     * @throws IllegalStateException with mixed precision, for a layer no width was planned for
     */
    int weightBits(String node) {
        if (layerBits == null) {
            return config.weightBits();
        }
        Integer b = layerBits.get(node);
        if (b == null) {
            throw new IllegalStateException("no weight bit width planned for layer " + node + " (planned: "
                    + layerBits.keySet() + ")");
        }
        return b;
    }

    /** @return what widening reads: the configuration's settings with the planned split counts and bit widths */
    org.ocs4j.rewrite.WidenSettings widenSettings() {
        org.ocs4j.rewrite.WidenSettings s = config.widenSettings();
        if (splitCounts != null) s = s.withSplitCounts(splitCounts);
        return layerBits != null && s.gridAware() ? s.withLayerBits(layerBits) : s;
    }

    /**
     * @param purpose    what needs the data, for the error message
     * @param otherwise  what else the user could do instead of giving data, or "" (appended to the message)
     */
    Calibrator calibrator(String purpose, String otherwise) {
        if (calibrationData == null) {
            throw new IllegalArgumentException(purpose + " needs calibration data: give calibration batches"
                    + otherwise);
        }
        return new Calibrator(calibrationData.batches(), config.calibrationBatches(), progress);
    }
}
