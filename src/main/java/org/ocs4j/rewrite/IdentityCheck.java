package org.ocs4j.rewrite;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import org.ocs4j.graph.Networks;
import org.ocs4j.split.Channels;

import java.util.Map;

/**
 * The functional identity check of a widened model: both models run in inference mode on the same inputs, and the
 * largest absolute output difference is compared with the largest absolute output — in float32, as the models are
 * (the rewrite's summation order shows as ~1e-7), and again with both models converted to double precision, where an
 * exact rewrite differs only by ~1e-16 per operation and any wrong weight shows at float32's scale (see
 * {@link #exact()}); when it fails, {@link #firstDifference} names the first node whose output
 * changed. Output layers are compared before their activation (logits): a saturated or near-uniform softmax would
 * hide differences.
 *
 * @param maxAbsDiff     {@code max |y_widened - y_original|} over every output of every example, float32
 * @param maxAbsOutput   {@code max |y_original|}, float32
 * @param relativeDiff64 {@code max|Δy| / max|y|} with both models in double precision
 */
public record IdentityCheck(double maxAbsDiff, double maxAbsOutput, double relativeDiff64) {

    /** The tolerance of an exact rewrite in FP32: {@code maxAbsDiff ≤ 1e-4 · maxAbsOutput}. */
    public static final double DEFAULT_RELATIVE_TOLERANCE = 1e-4;
    /**
     * The tolerance of an exact rewrite in double precision: {@code 1e-9} relative, far above the ~1e-15 that a
     * different summation order costs and far below the ~1e-7 that a single float32-rounded weight would.
     */
    public static final double EXACT_RELATIVE_TOLERANCE = 1e-9;

    /**
     * A model whose own float32 and double outputs differ by this much (relative) is past float32's linear regime:
     * rounding then changes its outputs at a level no tolerance can tell from a wrong rewrite.
     */
    public static final double UNDECIDABLE_AMPLIFICATION = 1e-3;

    /** Compares the logits of both models on {@code inputs} (one array per network input), in float32 and double. */
    public static IdentityCheck run(Model original, Model widened, INDArray... inputs) {
        double[] single = differences(logits(original, inputs), logits(widened, inputs));
        return new IdentityCheck(single[0], single[1], relativeDiffInDouble(original, widened, inputs));
    }

    /** @return {@code max|Δy| / max|y|} of the logits with both models and the inputs converted to double */
    public static double relativeDiffInDouble(Model original, Model widened, INDArray... inputs) {
        INDArray[] x = toDouble(inputs);
        double[] d = differences(logits(inDouble(original), x), logits(inDouble(widened), x));
        return relative(d[0], d[1]);
    }

    /**
     * How much the model amplifies rounding: its own float32 logits against its double-precision logits, relative
     * ({@code ~1e-7} for a well-conditioned network; percent level for one whose activations grow by orders of
     * magnitude, e.g. random weights with uncalibrated batch norms). An exact rewrite of such a model differs in
     * double precision by about this figure times double's precision relative to float32's ({@code 2^-29}).
     */
    public static double roundingAmplification(Model model, INDArray... inputs) {
        double[] d = differences(logits(inDouble(model), toDouble(inputs)), logits(model, inputs));
        return relative(d[0], d[1]);
    }

    /**
     * The double-precision tolerance of an exact rewrite of a model that amplifies rounding by {@code amplification}
     * ({@link #roundingAmplification}, below {@link #UNDECIDABLE_AMPLIFICATION}): {@link #EXACT_RELATIVE_TOLERANCE}, or
     * {@code 1e-3 · amplification} when that is larger — about five decades above the ~2e-9 · amplification that
     * summation order costs in double while float32 responds linearly.
     */
    public static double exactTolerance(double amplification) {
        return Math.max(EXACT_RELATIVE_TOLERANCE, 1e-3 * amplification);
    }

    /**
     * Compares two sets of outputs (one array per network output), float32 only.
     *
     * @param reference the original model's outputs
     * @param candidate the widened model's outputs
     */
    public static IdentityCheck compare(INDArray[] reference, INDArray[] candidate) {
        double[] d = differences(reference, candidate);
        return new IdentityCheck(d[0], d[1], Double.NaN);
    }

    /** @return {max|a − b|, max|a|} over every output */
    private static double[] differences(INDArray[] a, INDArray[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("the models have " + a.length + " and " + b.length + " outputs");
        }
        double diff = 0.0;
        double max = 0.0;
        for (int i = 0; i < a.length; i++) {
            if (!java.util.Arrays.equals(a[i].shape(), b[i].shape())) {
                throw new IllegalArgumentException("output " + i + " shapes differ: "
                        + java.util.Arrays.toString(a[i].shape()) + " vs " + java.util.Arrays.toString(b[i].shape()));
            }
            diff = Math.max(diff, Transforms.abs(a[i].sub(b[i]), false).maxNumber().doubleValue());
            max = Math.max(max, a[i].amaxNumber().doubleValue());
        }
        return new double[] {diff, max};
    }

    /**
     * The first node, in topological order, whose output differs between the two models in double precision
     * beyond {@code tolerance} (a widened node compared on its original channels, which keep their positions), for a
     * single-input network.
     *
     * @return the node and its relative difference, or null when every node agrees (or the network has several
     * inputs)
     */
    public static String firstDifference(Model original, Model widened, double tolerance, INDArray... inputs) {
        if (inputs.length != 1) {
            return null;
        }
        INDArray x = toDouble(inputs)[0];
        Map<String, INDArray> a = Networks.activations(inDouble(original), x, false);
        Map<String, INDArray> b = Networks.activations(inDouble(widened), x, false);
        for (org.ocs4j.graph.Node n : org.ocs4j.graph.NetworkGraph.of(original).nodes()) {
            INDArray want = a.get(n.name());
            INDArray got = b.get(n.name());
            if (want == null || got == null || want.rank() != got.rank()) {
                continue;
            }
            double[] d = differences(new INDArray[] {want}, new INDArray[] {originalChannels(got, want.shape())});
            if (relative(d[0], d[1]) > tolerance) {
                return n.describe() + String.format(" (relative difference %.3g)", relative(d[0], d[1]));
            }
        }
        return null;
    }

    /** The leading part of {@code widened} that has the original's shape (widened axes cut to their original size). */
    private static INDArray originalChannels(INDArray widened, long[] shape) {
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] > widened.size(d)) {
                return widened;
            }
        }
        return Channels.leading(widened, shape);
    }

    /**
     * @return the model in double precision: a converted copy, or the model itself when it is double already (callers
     * that change the result copy such a model themselves)
     */
    public static Model inDouble(Model m) {
        if (m.params().dataType() == DataType.DOUBLE) {
            return m;
        }
        return m instanceof MultiLayerNetwork mln ? mln.convertDataType(DataType.DOUBLE)
                : ((ComputationGraph) m).convertDataType(DataType.DOUBLE);
    }

    private static INDArray[] toDouble(INDArray[] inputs) {
        return java.util.Arrays.stream(inputs).map(x -> x.castTo(DataType.DOUBLE)).toArray(INDArray[]::new);
    }

    private static double relative(double diff, double max) {
        return max == 0.0 ? (diff == 0.0 ? 0.0 : Double.POSITIVE_INFINITY) : diff / max;
    }

    /**
     * Seeded random inputs for {@code model}, in its parameters' data type: standard-normal values, or token ids drawn
     * uniformly from its vocabulary when it starts with an embedding (a language model).
     *
     * @param shapes one full input shape (batch first) per network input
     */
    public static INDArray[] randomInputs(Model model, long seed, long[]... shapes) {
        Nd4j.getRandom().setSeed(seed);
        DataType type = model.params().dataType();
        long vocabulary = Networks.tokenVocabulary(model);
        INDArray[] inputs = new INDArray[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            if (vocabulary > 0) {
                inputs[i] = Transforms.floor(Nd4j.rand(type, shapes[i]).muli(vocabulary), false);
                Transforms.min(inputs[i], vocabulary - 1, false);
            } else {
                inputs[i] = Nd4j.randn(type, shapes[i]);
            }
        }
        return inputs;
    }

    /**
     * Runs both models on {@link #randomInputs}.
     *
     * @param seed   RNG seed
     * @param shapes one full input shape (batch first) per network input
     */
    public static IdentityCheck onRandomInputs(Model original, Model widened, long seed, long[]... shapes) {
        return run(original, widened, randomInputs(original, seed, shapes));
    }

    /** @return {@code maxAbsDiff / maxAbsOutput} in float32 (0 when both are 0) */
    public double relativeDiff() {
        return relative(maxAbsDiff, maxAbsOutput);
    }

    /** @return true when {@code maxAbsDiff ≤ relativeTolerance · maxAbsOutput} (float32) */
    public boolean passes(double relativeTolerance) {
        return maxAbsDiff <= relativeTolerance * maxAbsOutput;
    }

    /**
     * @return true when the double-precision outputs agree within {@link #EXACT_RELATIVE_TOLERANCE} (or were not
     * compared): so for plain halving and activation OCS; grid-aware halves are float32 values that sum to the
     * weight up to their rounding (~1e-8), which the pipeline's own check separates from the rewrite
     */
    public boolean exact() {
        return !(relativeDiff64 > EXACT_RELATIVE_TOLERANCE);
    }

    /**
     * Logits: the outputs of a twin of the model whose output layers apply the identity instead of their activation.
     * The twin shares the model's parameter buffer (read only), so no parameters are copied.
     */
    public static INDArray[] logits(Model model, INDArray... inputs) {
        if (model instanceof MultiLayerNetwork mln) {
            MultiLayerConfiguration conf = mln.getLayerWiseConfigurations().clone();
            for (NeuralNetConfiguration c : conf.getConfs()) {
                identityOutput(c.getLayer());
            }
            MultiLayerNetwork twin = new MultiLayerNetwork(conf);
            twin.init(mln.params(), false);
            return outputs(twin, inputs);
        }
        ComputationGraph cg = (ComputationGraph) model;
        ComputationGraphConfiguration conf = cg.getConfiguration().clone();
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv) {
                identityOutput(lv.getLayerConf().getLayer());
            }
        }
        ComputationGraph twin = new ComputationGraph(conf);
        twin.init(cg.params(), false);
        return outputs(twin, inputs);
    }

    private static void identityOutput(Layer layer) {
        if (layer instanceof BaseOutputLayer out) {
            out.setActivationFn(new ActivationIdentity());
        }
    }

    private static INDArray[] outputs(Model model, INDArray[] inputs) {
        if (model instanceof MultiLayerNetwork mln) {
            if (inputs.length != 1) {
                throw new IllegalArgumentException("a MultiLayerNetwork takes 1 input, got " + inputs.length);
            }
            return new INDArray[] {mln.output(inputs[0], false)};
        }
        return ((ComputationGraph) model).output(false, inputs);
    }

    @Override
    public String toString() {
        return String.format("IdentityCheck[float32: maxAbsDiff=%.3g, maxAbsOutput=%.3g, relative=%.3g; double:"
                + " relative=%.3g]", maxAbsDiff, maxAbsOutput, relativeDiff(), relativeDiff64);
    }
}
