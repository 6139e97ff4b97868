package org.ocs4j.pipeline;

import org.deeplearning4j.nn.api.Model;
import org.ocs4j.rewrite.CrossLayerEqualization;
import org.ocs4j.rewrite.IdentityCheck;

import java.util.Locale;

/**
 * Cross-layer equalization ({@link CrossLayerEqualization}) of the model OCS starts from, after batch-norm folding.
 * Checked like every exact rewrite: the equalization redone in double precision against the model before it (with
 * the same ReLU6 activations made ReLU) on the inputs of {@link CheckRewrite}; a difference beyond rounding stops
 * the run. Where ReLU6 became ReLU the FP32 function changes; the report gives by how much on those inputs.
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
        CrossLayerEqualization.Equalized<Model> e = CrossLayerEqualization.equalize(work.model, true);
        if (e.pairs().isEmpty()) {
            work.preparation.add("cross-layer equalization: no pair found (conv, depthwise or dense layers joined by"
                    + " ReLU, identity, pooling or dropout alone)");
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
        String relu6 = e.relu6Replaced().isEmpty() ? "" : "; " + e.relu6Replaced().size() + " ReLU6 activations made"
                + " ReLU";
        if (in == null) {
            return CheckRewrite.NOT_CHECKED + relu6;
        }
        Model inDouble = IdentityCheck.inDouble(before);
        String verdict = CheckRewrite.exactness(before, CrossLayerEqualization.withRelu(inDouble, e.relu6Replaced()),
                CrossLayerEqualization.equalize(inDouble, true).model(), in, "cross-layer equalization",
                "equalize(false) avoids it");
        IdentityCheck fp32 = IdentityCheck.run(before, e.model(), in.x());
        return verdict + relu6 + (e.relu6Replaced().isEmpty() ? "" : String.format(Locale.ROOT, ", which moves the"
                + " FP32 outputs by %.3g relative there", fp32.maxAbsDiff() / fp32.maxAbsOutput()));
    }
}
