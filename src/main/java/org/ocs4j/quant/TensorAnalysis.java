package org.ocs4j.quant;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.split.ChannelSplitter;
import org.ocs4j.split.Channels;
import org.ocs4j.split.SplitOptions;
import org.ocs4j.split.SplitResult;

import java.util.ArrayList;
import java.util.List;

/**
 * One tensor under every clip method: α, and the SQNR of the tensor the fixed-point arithmetic effectively uses.
 * With OCS, the tensor is split along an axis first (grid-aware on each method's own grid when asked), quantized,
 * and the copies of every channel are summed back — that folded tensor is what the widened layer computes with.
 */
public final class TensorAnalysis {

    private TensorAnalysis() {
    }

    /**
     * One method's outcome.
     *
     * @param method the clip method
     * @param alpha  its clip value (on the split tensor when splitting)
     * @param sqnrDb {@code 10·log10(Σw² / Σ(w - ŵ)²)} of the effective (folded) quantized tensor, dB
     */
    public record MethodResult(ClipMethod method, double alpha, double sqnrDb) {
    }

    /**
     * @param tensor      the tensor (not modified)
     * @param bits        weight bit width
     * @param axis        channel axis to split along (ignored when {@code expandRatio == 0})
     * @param expandRatio fraction of channels to split, in [0, 1]
     * @param gridAware   grid-aware halves on each method's grid
     */
    public static List<MethodResult> analyze(INDArray tensor, int bits, int axis, double expandRatio,
                                             boolean gridAware) {
        FixedPointGrid grid = FixedPointGrid.signed(bits);
        ChannelSplitter.requireFinite(tensor, "the tensor");
        List<MethodResult> results = new ArrayList<>();
        for (ClipMethod method : ClipMethod.values()) {
            SplitResult split = split(tensor, axis, expandRatio, SplitOptions.PLAIN);
            TensorStatistics stats = TensorStatistics.of(split.weights());
            if (stats.maxAbs() == 0) {
                throw new IllegalArgumentException("every value of the tensor is 0: nothing to quantize");
            }
            double alpha = ClipEstimators.estimate(method, stats, bits).alpha();
            if (gridAware && expandRatio > 0) {
                split = split(tensor, axis, expandRatio, SplitOptions.PLAIN.withGridScale(grid.scale(alpha)));
            }
            INDArray folded = Channels.fold(grid.fakeQuantize(split.weights(), alpha), axis,
                    split.plan().originalChannels(), split.plan().origin());
            results.add(new MethodResult(method, alpha, Sqnr.of(tensor, folded)));
        }
        return results;
    }

    /** @return the split of {@code tensor} along {@code axis} ({@code ceil(r·C)} splits) */
    public static SplitResult split(INDArray tensor, int axis, double expandRatio, SplitOptions options) {
        if (axis < 0 || axis >= tensor.rank()) {
            throw new IllegalArgumentException("axis " + axis + " is outside a rank-" + tensor.rank() + " tensor");
        }
        int k = ChannelSplitter.splitCount(expandRatio, tensor.size(axis));
        return ChannelSplitter.split(tensor, axis, k, options);
    }
}
