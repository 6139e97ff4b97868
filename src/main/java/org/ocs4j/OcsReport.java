package org.ocs4j;

import org.ocs4j.pipeline.OcsConfig;
import org.ocs4j.quant.QuantizedLayer;
import org.ocs4j.rewrite.WidenReport;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What a run did to a model: the configuration, the weight-OCS and activation-OCS reports (null when not applied),
 * one entry per quantized layer (empty for a widened FP32 model) and how calibration data was used.
 *
 * @param config              the configuration of the run
 * @param widening            weight OCS: per-layer splits, skipped layers, overhead; null when no weight was split
 * @param activationSplitting activation OCS, or null
 * @param layers              per quantized layer, in topological order: clip values and SQNRs
 * @param calibration         how calibration data was used (or null when none was needed)
 * @param identity            how the rewritten FP32 model was checked against the original (null when OCS rewrote
 *                            nothing)
 * @param preparation         what batch-norm folding and bias correction did, one line each (empty when neither ran)
 */
public record OcsReport(OcsConfig config, WidenReport widening, WidenReport activationSplitting,
                        List<QuantizedLayer> layers, String calibration, String identity,
                        List<String> preparation) {

    public OcsReport {
        layers = List.copyOf(layers);
        preparation = List.copyOf(preparation);
    }

    /** @return the quantized layers, lowest weight SQNR first */
    public List<QuantizedLayer> worstFirst() {
        List<QuantizedLayer> l = new ArrayList<>(layers);
        l.sort(Comparator.comparingDouble(QuantizedLayer::weightSqnrDb));
        return l;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(config.toString());
        preparation.forEach(p -> sb.append('\n').append(p));
        if (widening != null) sb.append("\nweight OCS: ").append(widening);
        if (activationSplitting != null) sb.append("\nactivation OCS: ").append(activationSplitting);
        if (identity != null) sb.append("\nidentity: ").append(identity);
        if (!layers.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%n%d layers quantized; worst first:", layers.size()));
            for (QuantizedLayer l : worstFirst().subList(0, Math.min(5, layers.size()))) {
                sb.append(String.format(Locale.ROOT, "%n  %-28s %-22s W%d, weight SQNR %6.2f dB", l.layer(),
                        l.layerType(), l.weightBits(), l.weightSqnrDb()));
                if (l.activationGrid() != null) {
                    sb.append(String.format(Locale.ROOT, ", input α %.4g (%s), SQNR %.2f dB", l.activationAlpha(),
                            l.activationGrid(), l.activationSqnrDb()));
                }
                if (!Double.isNaN(l.outputError())) {
                    sb.append(String.format(Locale.ROOT, ", output error vs FP32 %.3g", l.outputError()));
                }
            }
        }
        if (calibration != null) sb.append("\ncalibration: ").append(calibration);
        return sb.toString();
    }
}
