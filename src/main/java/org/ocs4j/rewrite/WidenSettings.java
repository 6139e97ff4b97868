package org.ocs4j.rewrite;

import org.ocs4j.split.SplitOptions;

/**
 * Everything that decides how a model is widened; validated once, here.
 *
 * @param expandRatio   fraction of input channels to split in every selected layer, in [0, 1]; each layer gets
 *                      {@code ceil(expandRatio · C_in)} splits
 * @param split         split threshold and reference quirk (its grid scale is ignored: see {@code gridAwareBits})
 * @param gridAwareBits 0 for plain halving; otherwise the weight bit width (2..16) whose grid the halves are placed
 *                      on, with the per-tensor symmetric scale {@code s = (2^(b-1) - 1) / α} and
 *                      {@code α = max|w|} of the plainly split tensor
 * @param policy        which layers are split
 */
public record WidenSettings(double expandRatio, SplitOptions split, int gridAwareBits, LayerPolicy policy) {

    public WidenSettings {
        if (!(expandRatio >= 0.0 && expandRatio <= 1.0)) {
            throw new IllegalArgumentException("expand ratio " + expandRatio + " is outside [0, 1]");
        }
        if (gridAwareBits != 0 && (gridAwareBits < 2 || gridAwareBits > 16)) {
            throw new IllegalArgumentException("grid-aware bit width " + gridAwareBits
                    + " is outside 2..16 (use 0 for plain halving)");
        }
        if (split == null || policy == null) {
            throw new IllegalArgumentException("split options and layer policy are required");
        }
        if (split.gridAware()) {
            throw new IllegalArgumentException("give grid-aware splitting as a bit width, not a fixed scale");
        }
    }

    /** @return expand ratio {@code r}, plain halving, threshold 0, the default policy */
    public static WidenSettings of(double expandRatio) {
        return new WidenSettings(expandRatio, SplitOptions.PLAIN, 0, LayerPolicy.defaults());
    }

    /** @return true when halves are placed on a quantization grid */
    public boolean gridAware() {
        return gridAwareBits != 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("WidenSettings[r=").append(expandRatio);
        if (split.splitThreshold() != 0.0) sb.append(", splitThreshold=").append(split.splitThreshold());
        if (split.signedMaxThreshold()) sb.append(", signedMaxThreshold");
        sb.append(gridAware() ? ", gridAware=" + gridAwareBits + " bits" : ", plain halving");
        return sb.append(", ").append(policy).append(']').toString();
    }
}
