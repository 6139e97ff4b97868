/**
 * Fixed-point arithmetic and its statistics: the grid ({@link org.ocs4j.quant.FixedPointGrid}, signed or unsigned,
 * per tensor or per channel, round half to even), streamed tensor statistics and histograms, the clip estimators
 * (MAX, MSE, ACIQ, KL, percentile: {@link org.ocs4j.quant.ClipEstimators}), weight fake quantization
 * ({@link org.ocs4j.quant.WeightQuantizer}), the fake-quant activation layer, SQNR and the calibration cache. Knows
 * nothing of model rewriting or evaluation.
 */
package org.ocs4j.quant;
