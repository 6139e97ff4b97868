package org.ocs4j.rewrite;

import org.ocs4j.graph.LayerPolicy;
import org.ocs4j.split.SplitOptions;

import java.util.Map;

/**
 * Everything that decides how a model is widened. Made from a validated configuration
 * ({@code OcsConfig#widenSettings()}); it carries the values and checks none of them again.
 *
 * @param expandRatio   fraction of input channels to split in every selected layer, in [0, 1]; each layer gets
 *                      {@code ceil(expandRatio · C_in)} splits
 * @param split         split threshold and reference quirk (its grid scale is ignored: see {@code gridAwareBits})
 * @param gridAwareBits 0 for plain halving; otherwise the weight bit width (2..16) whose grid the halves are placed
 *                      on, with the per-tensor symmetric scale {@code s = (2^(b-1) - 1) / α} and
 *                      {@code α} the clip value of the plainly split tensor
 * @param policy        which layers are split
 * @param perChannelGrid grid-aware halves on per-output-channel grids: {@code s_o = (2^(b-1) - 1) / α_o} with
 *                      {@code α_o} the clip value of output channel {@code o} of the plainly split tensor
 * @param splitCounts   node name → how many channels to split there, replacing {@code ceil(expandRatio · C_in)}
 *                      (a layer not named gets none); null for the uniform ratio
 * @param layerBits     mixed precision: node name → the weight bit width whose grid that layer's halves are placed
 *                      on, replacing {@code gridAwareBits} (every split layer must be named); null for one width
 */
public record WidenSettings(double expandRatio, SplitOptions split, int gridAwareBits, LayerPolicy policy,
                            boolean perChannelGrid, Map<String, Integer> splitCounts, Map<String, Integer> layerBits) {

    public WidenSettings {
        splitCounts = splitCounts == null ? null : Map.copyOf(splitCounts);
        layerBits = layerBits == null ? null : Map.copyOf(layerBits);
    }

    /** Per-tensor grids (or plain halving), the uniform ratio. */
    public WidenSettings(double expandRatio, SplitOptions split, int gridAwareBits, LayerPolicy policy) {
        this(expandRatio, split, gridAwareBits, policy, false, null, null);
    }

    /** @return these settings with per-layer split counts instead of the uniform ratio */
    public WidenSettings withSplitCounts(Map<String, Integer> counts) {
        return new WidenSettings(expandRatio, split, gridAwareBits, policy, perChannelGrid, counts, layerBits);
    }

    /** @return these settings with per-layer weight bit widths (mixed precision) for grid-aware halves */
    public WidenSettings withLayerBits(Map<String, Integer> bits) {
        return new WidenSettings(expandRatio, split, gridAwareBits, policy, perChannelGrid, splitCounts, bits);
    }

    /**
     * @return the weight bit width whose grid the halves of node {@code name} are placed on
     * @throws IllegalStateException with per-layer widths that do not name the node
     */
    public int gridAwareBits(String name) {
        if (layerBits == null) {
            return gridAwareBits;
        }
        Integer b = layerBits.get(name);
        if (b == null) {
            throw new IllegalStateException("no weight bit width planned for layer " + name + " (planned: "
                    + layerBits.keySet() + ")");
        }
        return b;
    }

    /** @return how many of the {@code channels} input channels of node {@code name} to split */
    public int splitCount(String name, long channels) {
        return splitCounts != null ? splitCounts.getOrDefault(name, 0)
                : org.ocs4j.split.ChannelSplitter.splitCount(expandRatio, channels);
    }

    /** @return true when halves are placed on a quantization grid */
    public boolean gridAware() {
        return gridAwareBits != 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("WidenSettings[").append(splitCounts != null
                ? "split counts " + splitCounts : "r=" + expandRatio);
        if (split.splitThreshold() != 0.0) sb.append(", splitThreshold=").append(split.splitThreshold());
        if (split.signedMaxThreshold()) sb.append(", signedMaxThreshold");
        sb.append(gridAware() ? ", gridAware=" + (layerBits != null ? "per-layer " + layerBits : gridAwareBits) + " bits" + (perChannelGrid ? " per channel" : "")
                : ", plain halving");
        return sb.append(", ").append(policy).append(']').toString();
    }
}
