package org.ocs4j.rewrite;

import org.nd4j.linalg.api.ndarray.INDArray;

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
}
