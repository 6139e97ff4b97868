package org.ocs4j.pipeline;

import org.ocs4j.graph.Node;
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
 * against FP32 on the first calibration batch with that layer alone quantized ({@link LayerSensitivity}, at its
 * planned width with mixed precision) — and lets {@link SplitBudget} hand the same number of extra weights out where
 * they lower the predicted error most. Runs only when the configuration gives a budgeted expand ratio; needs
 * calibration data.
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
        WidenPlan uniform = ModelWidener.plan(work.model, work.widenSettings(), PlanSplits.gridClip(c), work.progress,
                work.inputTypes);
        SplitBudget.Allocation a = SplitBudget.allocate(uniform, sensitivities(work, uniform));
        work.splitCounts = a.splitCounts();
        work.preparation.add(String.format(Locale.ROOT, "budgeted OCS: %,d of %,d extra weights (those of uniform"
                + " r = %s) spent by predicted output error on %d layers: %s", a.spent(), a.budget(),
                c.budgetedExpandRatio(), a.splitCounts().size(), SplitBudget.describe(a, uniform)));
    }

    /** @return node name → output error with that layer alone quantized (its W), on the first calibration batch */
    private static Map<String, Double> sensitivities(Work work, WidenPlan uniform) {
        LayerSensitivity sensitivity = new LayerSensitivity(work, "budgeted OCS", "use a uniform expand ratio");
        Map<String, Double> out = new LinkedHashMap<>();
        List<Node> candidates = SplitBudget.candidates(uniform);
        work.progress.start("measuring layer sensitivities", candidates.size());
        for (Node n : candidates) {
            out.put(n.name(), sensitivity.of(n, work.weightBits(n.name()), List.of("W")));
            work.progress.step();
        }
        work.progress.finish();
        return out;
    }
}
