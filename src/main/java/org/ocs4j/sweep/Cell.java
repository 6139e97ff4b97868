package org.ocs4j.sweep;

import org.ocs4j.quant.QuantizedLayer;

import java.util.List;
import java.util.Map;

/**
 * One measured cell of a sweep.
 *
 * @param row          the row label ({@code FP32}, {@code W6A8}…)
 * @param column       the column id ({@code mse}, {@code ocs:0.02}, {@code ocs+best}…), {@code fp32} for FP32
 * @param resolvedAs   the column actually run ({@code ocs+best} → e.g. {@code ocs:0.02+mse}); else equal to column
 * @param value        the scorer's metric
 * @param metrics      further values (top-5, images/s…)
 * @param examples     examples scored
 * @param seconds      wall time of the cell (simulation, calibration and scoring)
 * @param splitLayers  layers split by OCS (0 without OCS)
 * @param extraWeights weights added by OCS
 * @param layers       per quantized layer: clip values and SQNR
 * @param outcomes     per example, whether it was scored right, as {@link #encode}d bits; null when the metric has no
 *                     per-example outcome (perplexity) or the cell was stored by an older ocs4j
 * @param windows      per window of the token stream, its loss (perplexity); null for other metrics or when stored
 *                     by an older ocs4j
 */
public record Cell(String row, String column, String resolvedAs, double value, Map<String, Double> metrics,
                   long examples, double seconds, int splitLayers, long extraWeights, List<Layer> layers,
                   String outcomes, org.ocs4j.eval.WindowLosses windows) {

    /** @return {@code bits} as base64 of {@link java.util.BitSet#toByteArray()}, or null for null */
    public static String encode(java.util.BitSet bits) {
        return bits == null ? null : java.util.Base64.getEncoder().encodeToString(bits.toByteArray());
    }

    /** @return the per-example outcomes, or null when not stored */
    public java.util.BitSet outcomeBits() {
        return outcomes == null ? null : java.util.BitSet.valueOf(java.util.Base64.getDecoder().decode(outcomes));
    }

    /** @return the key of a cell in a sweep's store */
    public static String key(String row, String column) {
        return row + "|" + column;
    }

    /** @return this cell's key */
    public String key() {
        return key(row, column);
    }

    /** @return the same measurement filed under another column (used for {@code ocs+best} when it repeats a column) */
    Cell as(String otherColumn) {
        return new Cell(row, otherColumn, resolvedAs, value, metrics, examples, 0, splitLayers, extraWeights, layers,
                outcomes, windows);
    }

    /**
     * What the simulation did to one layer (a JSON-friendly copy of {@link QuantizedLayer}).
     *
     * @param layer            label
     * @param type             DL4J layer class
     * @param weightAlpha      weight clip value
     * @param weightSqnrDb     weight SQNR, dB
     * @param activationAlpha  input clip value (NaN when activations are FP32)
     * @param activationSqnrDb input SQNR on the calibration histogram, dB (NaN when FP32)
     * @param outputError      output against FP32 on calibration inputs, {@code Σ(y − y_fp32)² / Σ y_fp32²} (NaN when
     *                         not measured)
     * @param weightBits       its weight bit width (differs between layers with mixed precision); null in cells
     *                         stored by an older ocs4j
     */
    public record Layer(String layer, String type, double weightAlpha, double weightSqnrDb, double activationAlpha,
                        double activationSqnrDb, double outputError, Integer weightBits) {

        static Layer of(QuantizedLayer q) {
            return new Layer(q.layer(), q.layerType(), q.weightAlpha(), q.weightSqnrDb(), q.activationAlpha(),
                    q.activationSqnrDb(), q.outputError(), q.weightBits());
        }
    }
}
