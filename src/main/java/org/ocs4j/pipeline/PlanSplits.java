package org.ocs4j.pipeline;

import org.ocs4j.quant.WeightQuantizer;
import org.ocs4j.rewrite.GridClip;
import org.ocs4j.rewrite.ModelWidener;

/**
 * Weight OCS, first half: chooses the {@code ceil(r·C)} input channels of every selected layer to split (largest
 * max|w|) and the split weights — grid-aware halves on the grid of the weight clip value of the plainly split
 * tensor, or plain halves. In the quantization flow it runs only when the expand ratio is above 0; when widening
 * alone it always runs, so that the result carries a report (with no split layer at ratio 0).
 */
final class PlanSplits implements Stage {

    private final boolean always;

    /** @param always plan even at expand ratio 0 */
    PlanSplits(boolean always) {
        this.always = always;
    }

    @Override
    public String name() {
        return "plan splits";
    }

    @Override
    public void run(Work work) {
        work.unwidened = work.model;
        if (!work.config.splitsWeights() && !always) {
            return;
        }
        work.plan = ModelWidener.plan(work.model, work.widenSettings(), gridClip(work.config), work.progress,
                work.inputTypes);
    }

    /** @return the clip value grid-aware halves are placed on: the configuration's weight clip method */
    static GridClip gridClip(OcsConfig c) {
        return (weights, bits) -> WeightQuantizer.clipAlpha(c.weightClip(), weights, bits);
    }
}
