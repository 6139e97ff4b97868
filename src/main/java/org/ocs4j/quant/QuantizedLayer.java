package org.ocs4j.quant;

/**
 * What the simulation did to one layer.
 *
 * @param layer           the layer's label
 * @param layerType       its DL4J class simple name
 * @param weightBits      the bit width of its weights (the configured one, or its own with mixed precision)
 * @param weightAlpha     weight clip value (the largest one with per-channel scales)
 * @param weightSqnrDb    weight signal-to-quantization-noise ratio {@code 10·log10(Σw² / Σ(w - ŵ)²)}, dB
 * @param activationAlpha static clip value of the layer's input, or NaN when activations stay FP32
 * @param activationGrid  the activation grid, or null
 * @param activationSqnrDb the input's SQNR on the calibration histogram, dB, or NaN
 * @param split           how OCS was applied to this layer's matrices ({@code W widened: …; RW folded: …}), or null
 * @param outputError     the layer's output in the quantized model against the FP32 model's, on calibration inputs:
 *                        {@code Σ(y − y_fp32)² / Σ y_fp32²} (the errors of every layer up to it), or NaN when not
 *                        measured
 */
public record QuantizedLayer(String layer, String layerType, int weightBits, double weightAlpha, double weightSqnrDb,
                             double activationAlpha, FixedPointGrid activationGrid, double activationSqnrDb,
                             String split, double outputError) {

    /** @return this report with the layer's input quantizer: clip value, grid and SQNR on the calibration histogram */
    public QuantizedLayer withActivation(double alpha, FixedPointGrid grid, double sqnrDb) {
        return new QuantizedLayer(layer, layerType, weightBits, weightAlpha, weightSqnrDb, alpha, grid, sqnrDb, split,
                outputError);
    }

    /** @return this report with the layer's output error against FP32 */
    public QuantizedLayer withOutputError(double error) {
        return new QuantizedLayer(layer, layerType, weightBits, weightAlpha, weightSqnrDb, activationAlpha, activationGrid,
                activationSqnrDb, split, error);
    }
}
