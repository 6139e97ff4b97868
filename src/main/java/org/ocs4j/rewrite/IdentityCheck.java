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

/**
 * The functional identity check of a widened model: both models run in inference mode on the same inputs, and the
 * largest absolute output difference is compared with the largest absolute output. Output layers are compared
 * before their activation (logits): a saturated or near-uniform softmax would hide differences.
 *
 * @param maxAbsDiff   {@code max |y_widened - y_original|} over every output of every example
 * @param maxAbsOutput {@code max |y_original|}
 */
public record IdentityCheck(double maxAbsDiff, double maxAbsOutput) {

    /** The tolerance of an exact rewrite in FP32: {@code maxAbsDiff ≤ 1e-4 · maxAbsOutput}. */
    public static final double DEFAULT_RELATIVE_TOLERANCE = 1e-4;

    /** Compares the logits of both models on {@code inputs} (one array per network input). */
    public static IdentityCheck run(Model original, Model widened, INDArray... inputs) {
        return compare(logits(original, inputs), logits(widened, inputs));
    }

    /**
     * Compares two sets of outputs (one array per network output).
     *
     * @param reference the original model's outputs
     * @param candidate the widened model's outputs
     */
    public static IdentityCheck compare(INDArray[] reference, INDArray[] candidate) {
        INDArray[] a = reference;
        INDArray[] b = candidate;
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
        return new IdentityCheck(diff, max);
    }

    /**
     * Runs both models on seeded standard-normal inputs.
     *
     * @param seed   RNG seed
     * @param shapes one full input shape (batch first) per network input
     */
    public static IdentityCheck onRandomInputs(Model original, Model widened, long seed, long[]... shapes) {
        Nd4j.getRandom().setSeed(seed);
        DataType type = original.params().dataType();
        INDArray[] inputs = new INDArray[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            inputs[i] = Nd4j.randn(type, shapes[i]);
        }
        return run(original, widened, inputs);
    }

    /**
     * Runs both models on seeded token ids drawn uniformly from {@code [0, vocabulary)} (a language model's input).
     *
     * @param shapes one full input shape ({@code [batch, length]}) per network input
     */
    public static IdentityCheck onRandomTokens(Model original, Model widened, long seed, long vocabulary,
                                               long[]... shapes) {
        Nd4j.getRandom().setSeed(seed);
        DataType type = original.params().dataType();
        INDArray[] inputs = new INDArray[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            inputs[i] = Transforms.floor(Nd4j.rand(type, shapes[i]).muli(vocabulary), false);
            Transforms.min(inputs[i], vocabulary - 1, false);
        }
        return run(original, widened, inputs);
    }

    /** @return {@code maxAbsDiff / maxAbsOutput} (0 when both are 0) */
    public double relativeDiff() {
        return maxAbsOutput == 0.0 ? (maxAbsDiff == 0.0 ? 0.0 : Double.POSITIVE_INFINITY) : maxAbsDiff / maxAbsOutput;
    }

    /** @return true when {@code maxAbsDiff ≤ relativeTolerance · maxAbsOutput} */
    public boolean passes(double relativeTolerance) {
        return maxAbsDiff <= relativeTolerance * maxAbsOutput;
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
        return String.format("IdentityCheck[maxAbsDiff=%.3g, maxAbsOutput=%.3g, relative=%.3g]", maxAbsDiff,
                maxAbsOutput, relativeDiff());
    }
}
