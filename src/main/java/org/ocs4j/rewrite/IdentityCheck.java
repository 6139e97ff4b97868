package org.ocs4j.rewrite;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The functional identity check of a widened model: both models run in inference mode on the same inputs, and the
 * largest absolute output difference is compared with the largest absolute output.
 *
 * @param maxAbsDiff   {@code max |y_widened - y_original|} over every output of every example
 * @param maxAbsOutput {@code max |y_original|}
 */
public record IdentityCheck(double maxAbsDiff, double maxAbsOutput) {

    /** DESIGN's tolerance for FP32: {@code maxAbsDiff ≤ 1e-4 · maxAbsOutput}. */
    public static final double DEFAULT_RELATIVE_TOLERANCE = 1e-4;

    /** Runs both models on {@code inputs} (one array per network input). */
    public static IdentityCheck run(Model original, Model widened, INDArray... inputs) {
        INDArray[] a = outputs(original, inputs);
        INDArray[] b = outputs(widened, inputs);
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

    /** @return {@code maxAbsDiff / maxAbsOutput} (0 when both are 0) */
    public double relativeDiff() {
        return maxAbsOutput == 0.0 ? (maxAbsDiff == 0.0 ? 0.0 : Double.POSITIVE_INFINITY) : maxAbsDiff / maxAbsOutput;
    }

    /** @return true when {@code maxAbsDiff ≤ relativeTolerance · maxAbsOutput} */
    public boolean passes(double relativeTolerance) {
        return maxAbsDiff <= relativeTolerance * maxAbsOutput;
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
