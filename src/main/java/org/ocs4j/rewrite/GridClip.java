package org.ocs4j.rewrite;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Chooses the clip value α of a layer's plainly split weights; grid-aware splitting then places the halves on the
 * grid of scale {@code (2^(bits-1) - 1) / α}. A quantizer passes its own clip estimator here so the split and the
 * later quantization use the same grid.
 */
@FunctionalInterface
public interface GridClip {

    /** α = max|w| (no clipping). */
    GridClip MAX_ABS = (w, bits) -> w.amaxNumber().doubleValue();

    /**
     * @param splitWeights the layer's weights after plain splitting (channel view)
     * @param bits         the weight bit width
     * @return α, finite and {@code > 0}
     */
    double alpha(INDArray splitWeights, int bits);

    /**
     * @param splitWeights the layer's weights after plain splitting (channel view)
     * @param outputAxis   the output-channel axis of {@code splitWeights}
     * @param bits         the weight bit width
     * @return α of every output channel: {@link #alpha} of its slice
     */
    default double[] perChannel(INDArray splitWeights, int outputAxis, int bits) {
        double[] alphas = new double[(int) splitWeights.size(outputAxis)];
        INDArrayIndex[] index = new INDArrayIndex[splitWeights.rank()];
        for (int c = 0; c < alphas.length; c++) {
            for (int d = 0; d < index.length; d++) {
                index[d] = d == outputAxis ? NDArrayIndex.point(c)
                        : NDArrayIndex.all();
            }
            alphas[c] = alpha(splitWeights.get(index).dup(), bits);
        }
        return alphas;
    }
}
