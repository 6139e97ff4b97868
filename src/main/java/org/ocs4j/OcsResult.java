package org.ocs4j;

import org.deeplearning4j.nn.api.Model;
import org.ocs4j.graph.InputShape;
import org.ocs4j.rewrite.IdentityCheck;
import org.ocs4j.rewrite.WidenReport;

/**
 * A widened model (same DL4J type as the input) and its report.
 *
 * @param model  the new model; the input model is untouched
 * @param report per-layer splits, skipped layers, overhead
 * @param <M>    MultiLayerNetwork or ComputationGraph
 */
public record OcsResult<M extends Model>(M model, WidenReport report) {

    /**
     * Runs the original and widened models on seeded standard-normal inputs and compares the outputs.
     *
     * @param original the model that was widened
     * @param seed     RNG seed of the inputs
     * @param batch    examples per input
     * @param shapes   the shape of every network input, without the batch dimension
     */
    public IdentityCheck checkIdentity(M original, long seed, int batch, InputShape... shapes) {
        long[][] full = new long[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            full[i] = shapes[i].withBatch(batch);
        }
        return IdentityCheck.onRandomInputs(original, model, seed, full);
    }

    @Override
    public String toString() {
        return "OcsResult[" + model.getClass().getSimpleName() + ", " + report + "]";
    }
}
