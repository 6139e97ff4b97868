package org.ocs4j.rewrite;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ocs4j.graph.NodeKind;
import org.ocs4j.split.Channels;

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
 * @param inputOrigins       original index of every input channel after the first {@code inputChannels}, as the
 *                           widened layer reads them: its own appended channels and, when its producer is widened for
 *                           other split layers too, theirs (which this layer reads with zero weights)
 * @param gridAlphas         with per-channel grids, the clip value of every output channel's grid (its quantizer
 *                           must use these); null for one grid per tensor or plain halving
 */
public record LayerReport(String layer, String layerType, long inputChannels, int[] splitChannels,
                          long featuresPerChannel, long extraWeights, long extraMacs, Realization realization,
                          String via, double maxAbsBefore, double maxAbsAfter, double gridAlpha,
                          int[] inputOrigins, double[] gridAlphas) {

    public LayerReport {
        splitChannels = splitChannels.clone();
        inputOrigins = inputOrigins.clone();
        gridAlphas = gridAlphas == null ? null : gridAlphas.clone();
    }

    @Override
    public double[] gridAlphas() {
        return gridAlphas == null ? null : gridAlphas.clone();
    }

    @Override
    public int[] inputOrigins() {
        return inputOrigins.clone();
    }

    /**
     * The weight this layer effectively applies to its original input channels: every appended channel's weights
     * (a copy of channel {@code inputOrigins[i]}'s input) added back to that channel's, in the original layout —
     * what a split layer's quantization error is measured on, against the unsplit weight. When the layer is also a
     * widened producer, its appended output channels (copies of its own; an LSTM's per gate block) are left out.
     *
     * @param kind          the layer's kind (conv, dense, output, LSTM)
     * @param widened       its widened weight {@code W} (quantized or not)
     * @param originalShape the shape of the unsplit weight
     * @return a new array of {@code originalShape}
     */
    public INDArray effective(NodeKind kind, INDArray widened, long[] originalShape) {
        INDArray view = WeightLayout.channelView(kind, widened, featuresPerChannel);
        INDArray w = WeightLayout.fromChannelView(kind, Channels.fold(view, kind == NodeKind.CONV ? 1 : 0,
                (int) inputChannels, inputOrigins));
        if (kind == NodeKind.LSTM && w.size(1) != originalShape[1]) { // units appended to each of the 4 gate blocks
            long units = originalShape[1] / 4;
            long widenedUnits = w.size(1) / 4;
            INDArray[] gates = new INDArray[4];
            for (int g = 0; g < 4; g++) {
                gates[g] = w.get(NDArrayIndex.all(), NDArrayIndex.interval(g * widenedUnits, g * widenedUnits + units));
            }
            w = org.nd4j.linalg.factory.Nd4j.hstack(gates);
        }
        return Channels.leading(w, originalShape).dup();
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
