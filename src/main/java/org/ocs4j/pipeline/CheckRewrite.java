package org.ocs4j.pipeline;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ocs4j.graph.InputShape;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Networks;
import org.ocs4j.graph.Node;
import org.ocs4j.rewrite.LayerReport;
import org.ocs4j.rewrite.IdentityCheck;

import java.util.List;

/**
 * After OCS rewrote the model, checks in double precision ({@link IdentityCheck#relativeDiffInDouble}) that the
 * rewrite is exact, on a few examples — the first calibration examples, else seeded random inputs of the given input
 * types (random token ids for a language model):
 * <ul>
 *   <li>activation OCS (halved producer channels, duplicated consumer columns): against the model before OCS (the
 *   original, or its batch norms folded);</li>
 *   <li>weight OCS: against the model before it with each split layer's weights replaced by the split halves summed
 *   back ({@link LayerReport#effective}) — so the check is exact for grid-aware halves too, whose float32 values sum
 *   to the original weight only up to one rounding each; that rounding is measured and reported beside.</li>
 * </ul>
 * A difference beyond {@link IdentityCheck#EXACT_RELATIVE_TOLERANCE} stops the run, naming the first node whose
 * output changed — beyond {@link IdentityCheck#exactTolerance} for a model that itself amplifies rounding (its own
 * float32 and double outputs differ by far more than float32's ~1e-7), which the report then says; when that
 * difference reaches {@link IdentityCheck#UNDECIDABLE_AMPLIFICATION} rounding decides every comparison and the
 * report says the check is undecided instead of refusing the rewrite. Without inputs to check on, the report says the rewrite was not checked.
 */
final class CheckRewrite implements Stage {

    /** Examples the check runs on. */
    static final int EXAMPLES = 2;
    /** What a report says when there are no inputs to check a rewrite on. */
    static final String NOT_CHECKED = "not checked (give calibration data or the input shape to check it)";
    /** Tokens per sequence of a language model's check (random ones, or the first of each calibration window). */
    static final int TOKENS = 16;

    @Override
    public String name() {
        return "check rewrite";
    }

    @Override
    public void run(Work work) {
        if (work.widening == null && work.activationSplitting == null) {
            return;
        }
        Inputs in = inputs(work);
        if (in == null) {
            work.identity = NOT_CHECKED;
            return;
        }
        INDArray x = in.x();
        String source = in.source();
        double amplification = IdentityCheck.roundingAmplification(work.prepared, x);
        boolean decidable = amplification < IdentityCheck.UNDECIDABLE_AMPLIFICATION;
        double tolerance = decidable ? IdentityCheck.exactTolerance(amplification) : Double.POSITIVE_INFINITY;
        double relative = 0;
        if (work.activationSplitting != null) {
            relative = require(work.prepared, work.unwidened, x, "activation OCS", tolerance);
        }
        String rounding = "";
        if (work.widening != null) {
            Model reference = IdentityCheck.inDouble(work.unwidened);
            if (reference == work.unwidened) { // already double: its weights are about to be replaced
                reference = Networks.copy(reference);
            }
            Model widened = IdentityCheck.inDouble(work.fp32);
            double worst = withEffectiveWeights(reference, widened, work.widening.layers());
            relative = Math.max(relative, require(reference, widened, x, "weight OCS", tolerance));
            rounding = String.format("; the split halves sum back to the weights within %.2g of max|w|%s", worst,
                    worst == 0 ? " (exactly)" : " (float32 rounding of grid-aware halves)");
        }
        if (!decidable) {
            work.identity = String.format("undecided: the model itself amplifies rounding — its own float32 outputs"
                    + " differ from its double-precision ones by %.2g relative — so rounding, not the rewrite, decides"
                    + " every comparison (in double the rewrite differs by %.2g on %s%s); calibrate its batch norms"
                    + " or use trained weights for a decidable check", amplification, relative, source, rounding);
            return;
        }
        String amplifies = tolerance > IdentityCheck.EXACT_RELATIVE_TOLERANCE ? String.format("; the model itself"
                + " amplifies rounding (its own float32 outputs differ from its double-precision ones by %.2g"
                + " relative), so exact means within %.2g here", amplification, tolerance) : "";
        work.identity = String.format("exact: outputs in double precision within %.2g relative on %s%s%s", relative,
                source, rounding, amplifies);
    }

    /**
     * What a check runs on.
     *
     * @param x      the inputs, batch first
     * @param source what they are, for the report
     */
    record Inputs(INDArray x, String source) {
    }

    /**
     * @return the check inputs of this run — the first calibration examples (a language model's first
     * {@link #TOKENS} tokens of each), else seeded random inputs of the input types — or null when there are none
     */
    static Inputs inputs(Work work) {
        boolean tokens = Networks.tokenVocabulary(work.original) > 0;
        String source = work.calibrationData != null ? "the first " + EXAMPLES + " calibration examples"
                : work.inputTypes.length > 0 || tokens ? EXAMPLES + " seeded random inputs" : null;
        if (source == null) {
            return null;
        }
        INDArray x = work.calibrationData != null ? firstExamples(work.calibrationData.batches(), EXAMPLES)
                : IdentityCheck.randomInputs(work.original, work.config.seed(), randomShape(work, tokens))[0];
        if (tokens && x.size(x.rank() - 1) > TOKENS) {
            // a language model's calibration windows are long (350 tokens); the rewrite is per step, so the first
            // steps show it as well as all of them, and DL4J's LSTM in double is slow
            INDArrayIndex[] first = new INDArrayIndex[x.rank()];
            java.util.Arrays.fill(first, NDArrayIndex.all());
            first[x.rank() - 1] = NDArrayIndex.interval(0, TOKENS);
            x = x.get(first).dup();
            source += " (their first " + TOKENS + " tokens)";
        }
        return new Inputs(x, source);
    }

    private static double require(Model reference, Model rewritten, INDArray x, String what, double tolerance) {
        return require(reference, rewritten, x, what, tolerance, "excluding that layer from splitting avoids it");
    }

    private static double require(Model reference, Model rewritten, INDArray x, String what, double tolerance,
                                  String avoid) {
        double relative = IdentityCheck.relativeDiffInDouble(reference, rewritten, x);
        if (!(relative <= tolerance)) {
            String first = IdentityCheck.firstDifference(reference, rewritten, tolerance, x);
            throw new IllegalStateException(String.format("%s changed the model's function: in double precision its"
                    + " outputs differ by %.3g relative (exact is ≤ %.1g)%s. This is an ocs4j bug: please report it"
                    + " with the model; %s", what, relative, tolerance, first == null ? "" : ", first at " + first,
                    avoid));
        }
        return relative;
    }

    /**
     * The check of a rewrite that prepares the model (folding, equalization): {@code rewritten64} against
     * {@code reference64}, both in double precision, on {@code in}, with the tolerance of {@code before}'s own
     * rounding amplification.
     *
     * @param what  the rewrite, for the message
     * @param avoid how the user avoids it, for the message
     * @return {@code "exact: in double precision within R relative on SOURCE"}, or why the check is undecided
     * @throws IllegalStateException naming the first node whose output differs when the rewrite is not exact
     */
    static String exactness(Model before, Model reference64, Model rewritten64, Inputs in, String what,
                            String avoid) {
        double amplification = IdentityCheck.roundingAmplification(before, in.x());
        if (amplification >= IdentityCheck.UNDECIDABLE_AMPLIFICATION) {
            return String.format("undecided: the model itself amplifies rounding (its float32 and double outputs differ"
                    + " by %.2g relative); in double the rewrite differs by %.2g on %s", amplification,
                    IdentityCheck.relativeDiffInDouble(reference64, rewritten64, in.x()), in.source());
        }
        double relative = require(reference64, rewritten64, in.x(), what,
                IdentityCheck.exactTolerance(amplification), avoid);
        return String.format("exact: in double precision within %.2g relative on %s", relative, in.source());
    }

    /**
     * Replaces, in {@code reference}, every split layer's {@code W} by the widened layer's halves summed back.
     *
     * @return the largest {@code max|w_effective − w| / max|w|} over the split layers
     */
    private static double withEffectiveWeights(Model reference, Model widened, List<LayerReport> splits) {
        NetworkGraph ref = NetworkGraph.of(reference);
        NetworkGraph wide = NetworkGraph.of(widened);
        double worst = 0;
        for (LayerReport l : splits) {
            Node n = ref.find(l.layer()).orElseThrow();
            INDArray w = Networks.layer(reference, n).getParam("W");
            INDArray effective = l.effective(n.kind(), wide.param(wide.find(l.layer()).orElseThrow(), "W"), w.shape());
            double max = w.amaxNumber().doubleValue();
            worst = Math.max(worst, max == 0 ? 0 : effective.sub(w).amaxNumber().doubleValue() / max);
            w.assign(effective);
        }
        return worst;
    }

    /** @return the first {@code n} feature rows of the first batch (the iterator reset before and after) */
    static INDArray firstExamples(DataSetIterator data, int n) {
        if (data.resetSupported()) {
            data.reset();
        }
        INDArray f = data.next().getFeatures();
        if (data.resetSupported()) {
            data.reset();
        }
        return f.get(NDArrayIndex.interval(0, Math.min(n, f.size(0)))).dup();
    }

    /** @return the shape of the random check input: {@link #TOKENS} tokens, or the first input type's */
    private static long[] randomShape(Work work, boolean tokens) {
        if (tokens) {
            return new long[] {EXAMPLES, TOKENS};
        }
        InputType type = work.inputTypes[0];
        InputShape shape = type instanceof InputType.InputTypeConvolutional c
                ? InputShape.of(c.getChannels(), c.getHeight(), c.getWidth())
                : InputShape.of(type.arrayElementsPerExample());
        return shape.withBatch(EXAMPLES, Networks.channelsLast(work.original));
    }
}
