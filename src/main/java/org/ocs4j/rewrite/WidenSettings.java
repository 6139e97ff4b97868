package org.ocs4j.rewrite;

import org.ocs4j.graph.LayerPolicy;
import org.ocs4j.split.SplitOptions;

/**
 * Everything that decides how a model is widened. Made from a validated configuration
 * ({@code OcsConfig#widenSettings()}); it carries the values and checks none of them again.
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
