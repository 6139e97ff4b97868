package org.ocs4j;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.eval.Provenance;
import org.ocs4j.graph.InputShape;
import org.ocs4j.graph.Networks;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.rewrite.IdentityCheck;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The result of {@link Ocs.Job#widen()} or {@link Ocs.Job#quantize()}: a NEW model of the input's DL4J type (the
 * input is untouched), what was done to it, and where it came from.
 *
 * @param model      the widened FP32 or simulated fixed-point model; saves with {@code ModelSerializer} (a quantized
 *                   one needs ocs4j on the class path to restore)
 * @param original   the model it was made from
 * @param report     per-layer splits, clip values and SQNRs
 * @param provenance versions, backend, settings and seed
 * @param <M>        MultiLayerNetwork or ComputationGraph (or {@link Model} when the kind was not known statically)
 */
public record OcsModel<M extends Model>(M model, M original, OcsReport report, Provenance provenance) {

    /**
     * Runs the original and this model on the same inputs and compares their outputs: for a widened FP32 model they
     * must agree within {@link IdentityCheck#DEFAULT_RELATIVE_TOLERANCE} of max|y|.
     *
     * @param inputs one array per network input, batch first
     */
    public IdentityCheck checkIdentity(INDArray... inputs) {
        return IdentityCheck.run(original, model, inputs);
    }

    /**
     * As {@link #checkIdentity(INDArray...)} on seeded random inputs: standard-normal values, or uniformly drawn token
     * ids when the network starts with an embedding.
     *
     * @param seed   RNG seed of the inputs
     * @param batch  examples per input
     * @param shapes the shape of every network input without the batch dimension: {@code C,H,W} for images (also
     *               of a channels-last network), or the sequence length of a language model
     */
    public IdentityCheck checkIdentity(long seed, int batch, InputShape... shapes) {
        boolean channelsLast = Networks.channelsLast(original);
        long[][] full = new long[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            full[i] = shapes[i].withBatch(batch, channelsLast);
        }
        return IdentityCheck.onRandomInputs(original, model, seed, full);
    }

    /** Saves the model with {@code ModelSerializer}, atomically (a temporary file moved into place). */
    public void save(Path file) throws IOException {
        ModelFiles.save(model, file, null);
    }

    @Override
    public String toString() {
        return "OcsModel[" + model.getClass().getSimpleName() + ", " + model.numParams() + " parameters (original "
                + original.numParams() + ")]\n" + report;
    }
}
