package org.ocs4j.pipeline;

import org.deeplearning4j.nn.api.Model;
import org.ocs4j.rewrite.CrossLayerEqualization;
import org.ocs4j.rewrite.IdentityCheck;

import java.util.Locale;

/**
 * Cross-layer equalization ({@link CrossLayerEqualization}) of the model OCS starts from, after batch-norm folding.
 * Checked like every exact rewrite: the equalization redone in double precision against the model before it on the
 * inputs of {@link CheckRewrite}; a difference beyond rounding stops the run.
 *
 * <p>Pairs joined by ReLU6 are left alone: ReLU6 is not positively homogeneous, and replacing it by ReLU (the DFQ
 * paper's choice for MobileNets) is not exact — measured here on TF-slim MobileNet v1 0.25 (batch norms folded), it
 * takes FP32 top-1 from 63.92 % to 9.77 % on 1,300 ImageNet validation images. {@link
 * CrossLayerEqualization#equalize(org.deeplearning4j.nn.api.Model, boolean)} with {@code replaceRelu6} does it for a
 * caller who measures that cost on their model.
 */
final class EqualizeLayers implements Stage {

    @Override
    public String name() {
        return "cross-layer equalization";
    }

    @Override
    public void run(Work work) {
        if (!work.config.equalize()) {
            return;
        }
        CrossLayerEqualization.Equalized<Model> e = CrossLayerEqualization.equalize(work.model, false);
        if (e.pairs().isEmpty()) {
            work.preparation.add("cross-layer equalization: no pair found (conv, depthwise or dense layers joined by"
                    + " ReLU, identity, pooling or dropout alone; ReLU6 blocks a pair)");
            return;
        }
        String what = String.format(Locale.ROOT, "cross-layer equalization: %d pairs in %d sweeps, output-channel range"
                + " spread (max/min, mean over pairs) %.3g → %.3g", e.pairs().size(), e.sweeps(), e.rangeSpread()[0],
                e.rangeSpread()[1]);
        work.preparation.add(what + " (" + check(work, work.model, e) + ")");
        work.model = e.model();
        work.prepared = e.model();
    }

    private static String check(Work work, Model before, CrossLayerEqualization.Equalized<Model> e) {
        CheckRewrite.Inputs in = CheckRewrite.inputs(work);
        if (in == null) {
            return CheckRewrite.NOT_CHECKED;
        }
        Model inDouble = IdentityCheck.inDouble(before);
        return CheckRewrite.exactness(before, inDouble, CrossLayerEqualization.equalize(inDouble, false).model(), in,
                "cross-layer equalization", "equalize(false) avoids it");
    }
}
