package org.ocs4j.quant;

import org.ocs4j.rewrite.LayerPolicy;

/**
 * What a fixed-point simulation does; validated once, here.
 *
 * @param weightBits          weight bit width, 2..16
 * @param activationBits      activation bit width, 2..16, or 0 to keep activations in FP32
 * @param weightClip          how each weight tensor's clip value is chosen (method and parameter)
 * @param activationClip      how each activation's static clip value is chosen from calibration
 * @param perChannel          one weight scale per output channel instead of per tensor
 * @param expandRatio         weight OCS expand ratio in [0, 1] (0 = no splitting)
 * @param gridAware           grid-aware splitting on the weight grid (ignored when {@code expandRatio == 0})
 * @param referenceCompatible the reference code's quirks: weight clip fitted on the unsplit weights, and the signed
 *                            activation grid even after ReLU
 * @param policy              which layers are quantized (and split)
 * @param calibrationBatches  batches of the calibration iterator used per pass, ≥ 1
 */
public record QuantizeSettings(int weightBits, int activationBits, Clip weightClip, Clip activationClip,
                               boolean perChannel, double expandRatio, boolean gridAware,
                               boolean referenceCompatible, LayerPolicy policy, int calibrationBatches) {

    public QuantizeSettings {
        FixedPointGrid.signed(weightBits);
        if (activationBits != 0) {
            FixedPointGrid.signed(activationBits);
        }
        if (!(expandRatio >= 0.0 && expandRatio <= 1.0)) {
            throw new IllegalArgumentException("expand ratio " + expandRatio + " is outside [0, 1]");
        }
        if (weightClip == null || activationClip == null || policy == null) {
            throw new IllegalArgumentException("clip methods and layer policy are required");
        }
        if (calibrationBatches < 1) {
            throw new IllegalArgumentException("calibration batches " + calibrationBatches + " must be at least 1");
        }
        if (perChannel && gridAware && expandRatio > 0) {
            throw new IllegalArgumentException("grid-aware splitting with per-channel weight scales is not supported"
                    + " yet: turn grid-aware splitting off or use per-tensor scales");
        }
    }

    /** @return W{weightBits}A{activationBits}, no clipping, no OCS, default policy, 4 calibration batches */
    public static QuantizeSettings of(int weightBits, int activationBits) {
        return new QuantizeSettings(weightBits, activationBits, Clip.NONE, Clip.NONE, false, 0.0, true,
                false, LayerPolicy.defaults(), 4);
    }

    /** @return these settings with another weight clip method (its default parameter) */
    public QuantizeSettings withWeightClip(ClipMethod method) {
        return withWeightClip(Clip.of(method));
    }

    /** @return these settings with another activation clip method (its default parameter) */
    public QuantizeSettings withActivationClip(ClipMethod method) {
        return withActivationClip(Clip.of(method));
    }

    /** @return these settings with another weight clip */
    public QuantizeSettings withWeightClip(Clip method) {
        return new QuantizeSettings(weightBits, activationBits, method, activationClip, perChannel, expandRatio,
                gridAware, referenceCompatible, policy, calibrationBatches);
    }

    /** @return these settings with another activation clip */
    public QuantizeSettings withActivationClip(Clip method) {
        return new QuantizeSettings(weightBits, activationBits, weightClip, method, perChannel, expandRatio,
                gridAware, referenceCompatible, policy, calibrationBatches);
    }

    /** @return these settings with weight OCS at {@code r}, grid-aware or plain */
    public QuantizeSettings withOcs(double r, boolean gridAwareSplit) {
        return new QuantizeSettings(weightBits, activationBits, weightClip, activationClip, perChannel, r,
                gridAwareSplit, referenceCompatible, policy, calibrationBatches);
    }

    /** @return these settings with per-channel (or per-tensor) weight scales */
    public QuantizeSettings withPerChannel(boolean on) {
        return new QuantizeSettings(weightBits, activationBits, weightClip, activationClip, on, expandRatio, gridAware,
                referenceCompatible, policy, calibrationBatches);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("QuantizeSettings[W").append(weightBits).append('A')
                .append(activationBits == 0 ? "32" : String.valueOf(activationBits))
                .append(", weightClip=").append(weightClip);
        if (activationBits != 0) sb.append(", activationClip=").append(activationClip);
        if (perChannel) sb.append(", perChannel");
        if (expandRatio > 0) sb.append(", r=").append(expandRatio).append(gridAware ? " grid-aware" : " plain");
        if (referenceCompatible) sb.append(", referenceCompatible");
        return sb.append(", ").append(policy).append(", ").append(calibrationBatches).append(" calibration batches]")
                .toString();
    }
}
