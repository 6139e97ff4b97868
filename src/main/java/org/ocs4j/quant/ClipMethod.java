package org.ocs4j.quant;

/** How the clip value α of a tensor is chosen . */
public enum ClipMethod {
    /** No clipping: α = max|x|. */
    NONE,
    /** α = c · max|x|. */
    MAX,
    /** Minimum of the quantization + clipping error over α = k/100 · max|x|, k = 1..99 (201-bin histogram). */
    MSE,
    /** Analytic clipping for Gaussian or Laplace data (Banner et al.), whichever gives the lower error. */
    ACIQ,
    /** Minimum KL divergence between the clipped and quantized distributions (TensorRT/MXNet entropy calibration). */
    KL,
    /** α = the p-th percentile of |x|. */
    PERCENTILE
}
