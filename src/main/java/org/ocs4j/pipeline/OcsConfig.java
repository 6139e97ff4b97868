package org.ocs4j.pipeline;

import org.ocs4j.graph.LayerPolicy;
import org.ocs4j.quant.Clip;
import org.ocs4j.quant.ClipMethod;
import org.ocs4j.quant.FixedPointGrid;
import org.ocs4j.rewrite.WidenSettings;
import org.ocs4j.split.ChannelSplitter;
import org.ocs4j.split.SplitOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that decides what ocs4j does to a model: the simulated fixed point (weight and activation bit widths,
 * clip methods, per-tensor or per-channel weight scales), weight OCS (expand ratio, split threshold, grid-aware or
 * plain halving), activation OCS, the layer policy and the calibration sample. Immutable and validated once, here (in
 * the compact constructor every {@link Builder#build()} reaches): no other place checks these values again.
 *
 * <p>Builder convention: {@link #builder()} holds the defaults; every setter is optional, is named after the value it
 * sets and returns the builder; {@link #toBuilder()} copies a configuration to change some values. Defaults: W8A8, no
 * clipping, per-tensor scales, no weight OCS (expand ratio 0), split threshold 0, grid-aware halves, no activation
 * OCS, the default layer policy, 4 calibration batches, seed 42, batch norms unfolded, no equalization, no budgeted
 * OCS, no bias correction, one weight width for every layer. In jshell, {@link #toString()} lists only what differs from the defaults;
 * {@link #describe()} lists everything.
 *
 * @param weightBits            weight bit width, 2..16 (signed symmetric grid, round half to even)
 * @param activationBits        activation bit width, 2..16, or 0 to keep activations in FP32
 * @param weightClip            how each weight tensor's clip value is chosen (method and parameter)
 * @param activationClip        how each activation's static clip value is chosen from calibration statistics
 * @param perChannel            one weight scale per output channel (true) or per tensor (false)
 * @param expandRatio           fraction of input channels split per layer by weight OCS, in [0, 1]; each layer splits
 *                              {@code ceil(r·C)}; 0 = no weight OCS
 * @param splitThreshold        entries above {@code t · max|slice|} of a split channel are halved, in [0, 1)
 * @param referenceThreshold    the split threshold uses the reference code's signed {@code max(slice)}
 * @param gridAware             grid-aware halves: each split value {@code u = w·s} on the weight grid's scale {@code s}
 *                              becomes {@code (u/2 ∓ 1/4)/s}, so that round-half-to-even quantization of the two
 *                              halves sums to the quantized original (with per-channel scales, on each output
 *                              channel's own grid); false: plain halving {@code w/2, w/2}
 * @param activationExpandRatio fraction of each quantized layer's input channels split by activation OCS, in [0, 1]
 * @param policy                which layers are split and quantized
 * @param referenceCompatible   the reference code's quirks: weight clip values fitted on the unsplit weights, and a
 *                              signed activation grid even where the calibrated input is never negative
 * @param calibrationBatches    calibration batches per pass, ≥ 1
 * @param seed                  the seed of the calibration sample
 * @param foldBatchNorm         quantize the deployed model: batch norms folded into the conv/dense layer before them
 *                              first (false: the unfolded layout, as the reference code quantizes)
 * @param equalize              cross-layer equalization of conv/dense pairs joined by ReLU-like nodes (batch norms
 *                              folded first; a pair joined by ReLU6 is left alone, see {@code EqualizeLayers})
 * @param budgetedExpandRatio   budgeted weight OCS, in [0, 1]: the extra weights uniform OCS at this ratio would add,
 *                              handed out split by split where the predicted output error falls most (needs
 *                              calibration data); 0 = off. Excludes {@code expandRatio}
 * @param biasCorrection        fold each quantized layer's expected output shift, {@code (W_q − W)·E[x]} with
 *                              {@code E[x]} its input's per-channel mean on calibration data, into its bias
 * @param mixedPrecision        mixed precision by sensitivity: {@code weightBits} becomes a budget of average bits
 *                              per weight, and each quantized layer gets its own width from {@code weightBits − 2}
 *                              to {@code weightBits + 4} (within 2..16), chosen by the network's output error with
 *                              that layer alone quantized on calibration data (see {@code BitAllocation}; needs
 *                              calibration data)
 */
public record OcsConfig(int weightBits, int activationBits, Clip weightClip, Clip activationClip, boolean perChannel,
                        double expandRatio, double splitThreshold, boolean referenceThreshold, boolean gridAware,
                        double activationExpandRatio, LayerPolicy policy, boolean referenceCompatible,
                        int calibrationBatches, long seed, boolean foldBatchNorm, boolean equalize,
                        double budgetedExpandRatio, boolean biasCorrection, boolean mixedPrecision) {

    /** The calibration seed when none is given. */
    public static final long DEFAULT_SEED = 42;

    private static final LayerPolicy DEFAULT_POLICY = LayerPolicy.defaults();

    /** @throws IllegalArgumentException naming the first invalid value and the accepted range */
    public OcsConfig {
        foldBatchNorm |= equalize; // batch norms between two layers would block every pair
        try {
            FixedPointGrid.signed(weightBits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("weight " + e.getMessage(), e);
        }
        if (activationBits != 0) {
            try {
                FixedPointGrid.signed(activationBits);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("activation " + e.getMessage() + " (0 keeps activations in FP32)",
                        e);
            }
        }
        ChannelSplitter.requireRatio("expand ratio", expandRatio);
        ChannelSplitter.requireRatio("activation expand ratio", activationExpandRatio);
        ChannelSplitter.requireRatio("budgeted expand ratio", budgetedExpandRatio);
        if (expandRatio > 0 && budgetedExpandRatio > 0) {
            throw new IllegalArgumentException("expand ratio " + expandRatio + " and budgeted expand ratio "
                    + budgetedExpandRatio + " exclude each other: give one");
        }
        new SplitOptions(splitThreshold, referenceThreshold, Double.NaN);
        if (weightClip == null || activationClip == null) {
            throw new IllegalArgumentException("clip methods must not be null (use Clip.NONE for no clipping)");
        }
        if (policy == null) {
            throw new IllegalArgumentException("layer policy must not be null (use LayerPolicy.defaults())");
        }
        if (calibrationBatches < 1) {
            throw new IllegalArgumentException("calibration batches " + calibrationBatches + " must be at least 1");
        }
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the default configuration (W8A8, no clipping, no OCS) */
    public static OcsConfig defaults() {
        return new Builder().build();
    }

    /** @return a builder holding this configuration's values */
    public Builder toBuilder() {
        return new Builder().weightBits(weightBits).activationBits(activationBits).weightClip(weightClip)
                .activationClip(activationClip).perChannel(perChannel).expandRatio(expandRatio)
                .splitThreshold(splitThreshold).referenceThreshold(referenceThreshold).gridAware(gridAware)
                .activationExpandRatio(activationExpandRatio).policy(policy).referenceCompatible(referenceCompatible)
                .calibrationBatches(calibrationBatches).seed(seed).foldBatchNorm(foldBatchNorm)
                .equalize(equalize).budgetedExpandRatio(budgetedExpandRatio).biasCorrection(biasCorrection)
                .mixedPrecision(mixedPrecision);
    }

    /** @return whether weight OCS splits channels */
    public boolean splitsWeights() {
        return expandRatio > 0 || budgetedExpandRatio > 0;
    }

    /** @return whether activations are fake-quantized (and so need calibration data) */
    public boolean quantizesActivations() {
        return activationBits != 0;
    }

    /**
     * @return what widening reads: expand ratio, split threshold, grid-aware halves on this configuration's weight
     * grid (or plain halving), policy
     */
    public WidenSettings widenSettings() {
        return new WidenSettings(expandRatio > 0 ? expandRatio : budgetedExpandRatio,
                new SplitOptions(splitThreshold, referenceThreshold, Double.NaN), gridAware ? weightBits : 0, policy,
                perChannel, null, null);
    }

    /** @return what activation OCS reads: the activation expand ratio with plain halving */
    public WidenSettings activationWidenSettings() {
        return new WidenSettings(activationExpandRatio, SplitOptions.PLAIN, 0, policy);
    }

    /** @return the values that differ from the defaults, e.g. {@code OcsConfig[W6A8, r=0.02 grid-aware, weightClip=mse]} */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add("W" + weightBits + "A" + (activationBits == 0 ? "32" : activationBits));
        if (expandRatio > 0) parts.add("r=" + expandRatio + (gridAware ? " grid-aware" : " plain"));
        if (budgetedExpandRatio > 0) {
            parts.add("budget of r=" + budgetedExpandRatio + (gridAware ? " grid-aware" : " plain"));
        }
        if (splitThreshold != 0) parts.add("splitThreshold=" + splitThreshold);
        if (referenceThreshold) parts.add("referenceThreshold");
        if (weightClip.method() != ClipMethod.NONE) parts.add("weightClip=" + weightClip);
        if (activationBits != 0 && activationClip.method() != ClipMethod.NONE) {
            parts.add("activationClip=" + activationClip);
        }
        if (perChannel) parts.add("perChannel");
        if (foldBatchNorm) parts.add("foldBatchNorm");
        if (equalize) parts.add("equalize");
        if (biasCorrection) parts.add("biasCorrection");
        if (mixedPrecision) parts.add("mixedPrecision");
        if (activationExpandRatio > 0) parts.add("activationExpandRatio=" + activationExpandRatio);
        if (!policy.equals(DEFAULT_POLICY)) parts.add(policy.toString());
        if (referenceCompatible) parts.add("referenceCompatible");
        if (calibrationBatches != 4) parts.add(calibrationBatches + " calibration batches");
        if (seed != DEFAULT_SEED) parts.add("seed=" + seed);
        return "OcsConfig[" + String.join(", ", parts) + "]";
    }

    /** @return every value, for provenance */
    public String describe() {
        return "OcsConfig[W" + weightBits + (mixedPrecision ? " (mixed precision: average bits per weight)" : "")
                + "A" + activationBits + ", r=" + expandRatio + ", splitThreshold="
                + splitThreshold + (referenceThreshold ? " (signed max)" : "") + ", " + (gridAware ? "grid-aware"
                : "plain halving") + ", weightClip=" + weightClip + ", activationClip=" + activationClip
                + (perChannel ? ", per-channel" : ", per-tensor") + (foldBatchNorm ? ", batch norms folded" : "")
                + (equalize ? ", cross-layer equalization" : "")
                + (budgetedExpandRatio > 0 ? ", budgeted OCS of r=" + budgetedExpandRatio : "")
                + (biasCorrection ? ", bias correction" : "") + ", activationExpandRatio=" + activationExpandRatio
                + ", " + policy + (referenceCompatible ? ", referenceCompatible" : "") + ", " + calibrationBatches
                + " calibration batches, seed " + seed + "]";
    }

    /** Builds an {@link OcsConfig}; every setter is optional (see the type's documentation for the defaults). */
    public static final class Builder {
        private double expandRatio = 0.0;
        private double splitThreshold = 0.0;
        private boolean referenceThreshold = false;
        private boolean gridAware = true;
        private int weightBits = 8;
        private int activationBits = 8;
        private Clip weightClip = Clip.NONE;
        private Clip activationClip = Clip.NONE;
        private boolean perChannel = false;
        private double activationExpandRatio = 0.0;
        private LayerPolicy policy = DEFAULT_POLICY;
        private boolean referenceCompatible = false;
        private int calibrationBatches = 4;
        private long seed = DEFAULT_SEED;
        private boolean foldBatchNorm = false;
        private boolean equalize = false;
        private boolean biasCorrection = false;
        private double budgetedExpandRatio = 0.0;
        private boolean mixedPrecision = false;

        private Builder() {
        }

        /** @param r fraction of input channels to split per layer, in [0, 1]; each layer splits {@code ceil(r·C)} */
        public Builder expandRatio(double r) {
            this.expandRatio = r;
            return this;
        }

        /** @param t entries above {@code t · max|slice|} of a split channel are halved, in [0, 1) */
        public Builder splitThreshold(double t) {
            this.splitThreshold = t;
            return this;
        }

        /** @param on use the reference code's signed {@code max(slice)} in the split threshold */
        public Builder referenceThreshold(boolean on) {
            this.referenceThreshold = on;
            return this;
        }

        /**
         * @param on grid-aware halves (default): each split value {@code u = w·s} on the weight grid's scale
         *           {@code s} becomes {@code (u/2 ∓ 1/4)/s}, so that round-half-to-even quantization of the two
         *           halves sums to the quantized original; false: plain halving {@code w/2, w/2}
         */
        public Builder gridAware(boolean on) {
            this.gridAware = on;
            return this;
        }

        /** @param bits weight bit width, 2..16 (signed symmetric grid, round half to even) */
        public Builder weightBits(int bits) {
            this.weightBits = bits;
            return this;
        }

        /** @param bits activation bit width, 2..16, or 0 to keep activations in FP32 */
        public Builder activationBits(int bits) {
            this.activationBits = bits;
            return this;
        }

        /** @param clip how each weight tensor's clip value is chosen (method and parameter) */
        public Builder weightClip(Clip clip) {
            this.weightClip = clip;
            return this;
        }

        /** @param method a weight clip method with its default parameter */
        public Builder weightClip(ClipMethod method) {
            return weightClip(method == null ? null : Clip.of(method));
        }

        /** @param clip how each activation's static clip value is chosen from calibration statistics */
        public Builder activationClip(Clip clip) {
            this.activationClip = clip;
            return this;
        }

        /** @param method an activation clip method with its default parameter */
        public Builder activationClip(ClipMethod method) {
            return activationClip(method == null ? null : Clip.of(method));
        }

        /** @param on one weight scale per output channel instead of one per tensor */
        public Builder perChannel(boolean on) {
            this.perChannel = on;
            return this;
        }

        /** @param r fraction of each quantized layer's input channels split by activation OCS, in [0, 1] */
        public Builder activationExpandRatio(double r) {
            this.activationExpandRatio = r;
            return this;
        }

        /** @param p which layers are split and quantized */
        public Builder policy(LayerPolicy p) {
            this.policy = p;
            return this;
        }

        /** @param on reproduce the reference code's quirks (see {@link OcsConfig#referenceCompatible()}) */
        public Builder referenceCompatible(boolean on) {
            this.referenceCompatible = on;
            return this;
        }

        /** @param n calibration batches per pass, ≥ 1 */
        public Builder calibrationBatches(int n) {
            this.calibrationBatches = n;
            return this;
        }

        /** @param s seed of the calibration sample */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** @param on fold batch norms into the layer before them before quantizing (the deployed model) */
        public Builder foldBatchNorm(boolean on) {
            this.foldBatchNorm = on;
            return this;
        }

        /**
         * @param on cross-layer equalization before OCS and quantization; batch norms between two layers block it, so
         *           it folds them too
         */
        public Builder equalize(boolean on) {
            this.equalize = on;
            return this;
        }

        /**
         * @param r budgeted weight OCS, in [0, 1]: the extra weights of uniform OCS at {@code r}, handed out where the
         *          predicted output error falls most; 0 = off (excludes {@link #expandRatio})
         */
        public Builder budgetedExpandRatio(double r) {
            this.budgetedExpandRatio = r;
            return this;
        }

        /** @param on correct each quantized layer's bias by its expected output shift on calibration data */
        public Builder biasCorrection(boolean on) {
            this.biasCorrection = on;
            return this;
        }

        /**
         * @param on mixed precision: the weight bit width becomes a budget of average bits per weight, each layer's
         *           own width chosen by its sensitivity on calibration data
         */
        public Builder mixedPrecision(boolean on) {
            this.mixedPrecision = on;
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException naming the first invalid value and the accepted range
         */
        public OcsConfig build() {
            return new OcsConfig(weightBits, activationBits, weightClip, activationClip, perChannel, expandRatio,
                    splitThreshold, referenceThreshold, gridAware, activationExpandRatio, policy, referenceCompatible,
                    calibrationBatches, seed, foldBatchNorm, equalize, budgetedExpandRatio, biasCorrection,
                    mixedPrecision);
        }
    }
}
