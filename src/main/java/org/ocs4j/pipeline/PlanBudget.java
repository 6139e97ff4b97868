package org.ocs4j.pipeline;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.eval.OutputError;
import org.ocs4j.graph.Networks;
import org.ocs4j.graph.Node;
import org.ocs4j.quant.WeightQuantizer;
import org.ocs4j.rewrite.ModelWidener;
import org.ocs4j.rewrite.SplitBudget;
import org.ocs4j.rewrite.WidenPlan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Budgeted weight OCS, before {@link PlanSplits}: plans uniform OCS at the budgeted ratio to learn which layers can
 * be split and how many weights that adds, measures each such layer's sensitivity — the network's output error
 * against FP32 on the first calibration batch with that layer alone quantized — and lets {@link SplitBudget} hand
 * the same number of extra weights out where they lower the predicted error most. Runs only when the configuration
 * gives a budgeted expand ratio; needs calibration data.
 */
final class PlanBudget implements Stage {

    @Override
    public String name() {
        return "budget splits";
    }

    @Override
    public void run(Work work) {
        OcsConfig c = work.config;
        if (c.budgetedExpandRatio() == 0) {
            return;
        }
        if (work.calibrationData == null) {
            throw new IllegalArgumentException("budgeted OCS needs calibration data to measure each layer's"
                    + " sensitivity: give calibration batches, or use a uniform expand ratio");
        }
        WidenPlan uniform = ModelWidener.plan(work.model, c.widenSettings(), PlanSplits.gridClip(c), work.progress,
                work.inputTypes);
        SplitBudget.Allocation a = SplitBudget.allocate(uniform, sensitivities(work, uniform));
        work.splitCounts = a.splitCounts();
        work.preparation.add(String.format(Locale.ROOT, "budgeted OCS: %,d of %,d extra weights (those of uniform"
                + " r = %s) spent by predicted output error on %d layers: %s", a.spent(), a.budget(),
                c.budgetedExpandRatio(), a.splitCounts().size(), SplitBudget.describe(a, uniform)));
    }

    /** @return node name → output error with that layer alone quantized, on the first calibration batch */
    private static Map<String, Double> sensitivities(Work work, WidenPlan uniform) {
        OcsConfig c = work.config;
        OutputError.Reference reference = OutputError.reference(work.model, work.calibrationData.batches(), 1);
        Model scratch = Networks.copy(work.model);
        Map<String, Double> out = new LinkedHashMap<>();
        List<Node> candidates = SplitBudget.candidates(uniform);
        work.progress.start("measuring layer sensitivities", candidates.size());
        for (Node n : candidates) {
            INDArray w = Networks.layer(scratch, n).getParam("W");
            INDArray kept = w.dup();
            if (c.perChannel()) {
                WeightQuantizer.perChannel(w, QuantizeWeights.outputAxis(n), c.weightClip(), c.weightBits());
            } else {
                WeightQuantizer.perTensor(w, c.weightBits(), WeightQuantizer.clipAlpha(c.weightClip(), w,
                        c.weightBits()));
            }
            out.put(n.name(), reference.relative(scratch));
            w.assign(kept);
            work.progress.step();
        }
        work.progress.finish();
        return out;
    }
}
