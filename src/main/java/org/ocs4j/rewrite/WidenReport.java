package org.ocs4j.rewrite;

import java.util.Comparator;
import java.util.List;

/**
 * What widening did to a model: one {@link LayerReport} per split layer, the layers left alone, and totals.
 *
 * @param settings         the settings used
 * @param layers           split layers, in topological order
 * @param skipped          layers with splittable weights that were not split, with the reason
 * @param extraWeights     weights added by splitting (the paper's overhead: {@code k} × weights per input channel,
 *                         summed over split layers)
 * @param extraMacs        multiply-adds added per example by splitting, or -1 when the input shape was not given
 * @param originalParams   parameter count of the original model
 * @param widenedParams    parameter count of the widened model; beyond {@code extraWeights} it includes the
 *                         duplicated producer filters, batch-norm entries and zero columns of the realization
 */
public record WidenReport(WidenSettings settings, List<LayerReport> layers, List<SkippedLayer> skipped,
                          long extraWeights, long extraMacs, long originalParams, long widenedParams) {

    public WidenReport {
        layers = List.copyOf(layers);
        skipped = List.copyOf(skipped);
    }

    /** @return extra weights relative to the original parameter count */
    public double extraWeightFraction() {
        return originalParams == 0 ? 0.0 : (double) extraWeights / originalParams;
    }

    /** @return the split layers whose largest |w| shrank the least, first */
    public List<LayerReport> worstFirst() {
        return layers.stream().sorted(Comparator.comparingDouble(
                (LayerReport l) -> l.maxAbsBefore() == 0 ? 1.0 : l.maxAbsAfter() / l.maxAbsBefore()).reversed()).toList();
    }

    @Override
    public String toString() {
        return String.format("WidenReport[%d layers split, %d skipped, +%d weights (%.2f%% of %d), +%s MACs, %s]",
                layers.size(), skipped.size(), extraWeights, 100.0 * extraWeightFraction(), originalParams,
                extraMacs < 0 ? "?" : String.valueOf(extraMacs), settings);
    }
}
