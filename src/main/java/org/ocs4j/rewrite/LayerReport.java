package org.ocs4j.rewrite;

import java.util.Arrays;

/**
 * What OCS did to one layer.
 *
 * @param layer              the layer's label
 * @param layerType          its DL4J class simple name
 * @param inputChannels      input channels before splitting
 * @param splitChannels      original index of every appended (duplicated) channel, in order
 * @param featuresPerChannel input features per channel (H·W after a flatten, else 1)
 * @param extraWeights       weights added to this layer by the split ({@code k} × weights per input channel)
 * @param extraMacs          multiply-adds added per example, or -1 when the input shape was not given
 * @param realization        how the duplicated channels are produced
 * @param via                the widened producer's label, or the inserted merge vertex's name
 * @param maxAbsBefore       {@code max|w|} before splitting
 * @param maxAbsAfter        {@code max|w|} after splitting
 * @param gridAlpha          the clip value whose grid the halves were placed on, or NaN for plain halving
 */
public record LayerReport(String layer, String layerType, long inputChannels, int[] splitChannels,
                          long featuresPerChannel, long extraWeights, long extraMacs, Realization realization,
                          String via, double maxAbsBefore, double maxAbsAfter, double gridAlpha) {

    public LayerReport {
        splitChannels = splitChannels.clone();
    }

    @Override
    public int[] splitChannels() {
        return splitChannels.clone();
    }

    @Override
    public String toString() {
        return String.format("%s (%s): C=%d k=%d max|w| %.4g -> %.4g, +%d weights, %s via %s%s", layer, layerType,
                inputChannels, splitChannels.length, maxAbsBefore, maxAbsAfter, extraWeights, realization, via,
                splitChannels.length <= 8 ? " " + Arrays.toString(splitChannels) : "");
    }
}
