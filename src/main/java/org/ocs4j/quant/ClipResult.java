package org.ocs4j.quant;

/**
 * A chosen clip value.
 *
 * @param method the estimator
 * @param alpha  the clip value α > 0
 * @param error  the estimated mean squared error {@code E(α)} of clipping plus {@code bits}-bit quantization, on the
 *               201-bin histogram over {@code [min x, max x]} (the same yardstick for every method)
 */
public record ClipResult(ClipMethod method, double alpha, double error) {

    @Override
    public String toString() {
        return String.format("ClipResult[%s, α=%.6g, E=%.4g]", method, alpha, error);
    }
}
