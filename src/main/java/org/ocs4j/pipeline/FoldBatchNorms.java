package org.ocs4j.pipeline;

import org.deeplearning4j.nn.api.Model;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.NodeKind;
import org.ocs4j.rewrite.BatchNormFolding;
import org.ocs4j.rewrite.IdentityCheck;

/**
 * The deployed model: folds every batch norm that follows a conv, depthwise conv or dense layer with an identity
 * activation (and is that layer's only reader) into it ({@link BatchNormFolding}), so that the weights quantized
 * are the weights an integer engine runs. The folding's arithmetic is checked the way OCS is: the original model
 * folded in double precision against the original in double, on the inputs of {@link CheckRewrite}; a difference
 * beyond rounding stops the run. The float32 difference of the folded model (one rounding per folded weight) is
 * reported beside. Runs only when the configuration asks for it; in a MultiLayerNetwork the layers after a folded
 * batch norm move up one index.
 */
final class FoldBatchNorms implements Stage {

    @Override
    public String name() {
        return "fold batch norms";
    }

    @Override
    public void run(Work work) {
        if (!work.config.foldBatchNorm()) {
            return;
        }
        long batchNorms = NetworkGraph.of(work.model).nodes().stream().filter(n -> n.kind() == NodeKind.BATCH_NORM)
                .count();
        BatchNormFolding.Folded<?> folded = BatchNormFolding.fold(work.model);
        String what = "batch norms: folded " + folded.folded().size() + " of " + batchNorms + " into the layer before";
        if (folded.folded().isEmpty()) {
            work.preparation.add(what + " (none follows a conv or dense layer with an identity activation)");
            return;
        }
        work.preparation.add(what + " (" + check(work, work.model, folded.model()) + ")");
        work.model = folded.model();
        work.prepared = folded.model();
    }

    /** @return how the folding was checked; throws when the folding in double is not exact */
    private static String check(Work work, Model before, Model after) {
        CheckRewrite.Inputs in = CheckRewrite.inputs(work);
        if (in == null) {
            return CheckRewrite.NOT_CHECKED;
        }
        Model reference = IdentityCheck.inDouble(before);
        String verdict = CheckRewrite.exactness(before, reference, BatchNormFolding.fold(reference).model(), in,
                "folding batch norms", "foldBatchNorm(false) avoids it");
        IdentityCheck single = IdentityCheck.run(before, after, in.x());
        return String.format("%s; the float32 folded model within %.2g relative", verdict,
                single.maxAbsDiff() / single.maxAbsOutput());
    }
}
