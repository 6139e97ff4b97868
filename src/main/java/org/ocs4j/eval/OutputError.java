package org.ocs4j.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ocs4j.exec.FastInference;

/**
 * How far a model's outputs are from a reference model's on the same inputs: {@code Σ(y − y_ref)² / Σ y_ref²}
 * over the batches (each batch's sums reduced by ND4J, summed across batches in double), outputs through the fast
 * executor. Choosing between quantized variants by this error on calibration data keeps the scored (test) data out
 * of every choice.
 */
public final class OutputError {

    private OutputError() {
    }

    /**
     * One comparison; for many candidates against the same reference use {@link #reference} once.
     *
     * @param reference the FP32 model
     * @param candidate a quantized (or otherwise changed) version of it, same inputs and outputs
     * @param data      the inputs (reset first when possible); at most {@code batches} batches are read
     * @throws IllegalArgumentException when the data is empty or the outputs differ in shape
     */
    public static double relative(Model reference, Model candidate, DataSetIterator data, int batches) {
        return reference(reference, data, batches).relative(candidate);
    }

    /**
     * Reads at most {@code batches} batches of {@code data} (reset first when possible) and keeps them with the
     * reference model's outputs, so that each candidate costs one forward pass over the same inputs.
     *
     * @throws IllegalArgumentException when the data is empty
     */
    public static Reference reference(Model reference, DataSetIterator data, int batches) {
        if (data.resetSupported()) {
            data.reset();
        }
        List<INDArray> inputs = new ArrayList<>();
        List<INDArray> outputs = new ArrayList<>();
        double signal = 0;
        while (data.hasNext() && inputs.size() < batches) {
            DataSet b = data.next();
            INDArray want = FastInference.output(reference, b.getFeatures());
            inputs.add(b.getFeatures());
            outputs.add(want);
            double s = want.norm2Number().doubleValue();
            signal += s * s;
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no data to compare the outputs on");
        }
        return new Reference(List.copyOf(inputs), List.copyOf(outputs), signal);
    }

    /** A reference model's outputs on fixed input batches, kept for comparing candidates against. */
    public static final class Reference {
        private final List<INDArray> inputs;
        private final List<INDArray> outputs;
        private final double signal;

        private Reference(List<INDArray> inputs, List<INDArray> outputs, double signal) {
            this.inputs = inputs;
            this.outputs = outputs;
            this.signal = signal;
        }

        /** The number of batches compared on. */
        public int batches() {
            return inputs.size();
        }

        /**
         * @return {@code Σ(y − y_ref)² / Σ y_ref²} of the candidate's outputs on the kept inputs
         * @throws IllegalArgumentException when the candidate's outputs differ in shape from the reference's
         */
        public double relative(Model candidate) {
            double noise = 0;
            for (int i = 0; i < inputs.size(); i++) {
                INDArray want = outputs.get(i);
                INDArray got = FastInference.output(candidate, inputs.get(i));
                if (!Arrays.equals(want.shape(), got.shape())) {
                    throw new IllegalArgumentException("the two models' outputs differ in shape: "
                            + Arrays.toString(want.shape()) + " vs " + Arrays.toString(got.shape()));
                }
                // one reduction, no difference array: a language model's outputs are large
                noise += got.squaredDistance(want);
                if (got.closeable()) {
                    got.close();
                }
                // the forward's other arrays: ND4J's CPU backend frees off-heap buffers only when the Java GC runs
                org.nd4j.linalg.factory.Nd4j.getMemoryManager().invokeGc();
            }
            return signal == 0 ? (noise == 0 ? 0 : Double.POSITIVE_INFINITY) : noise / signal;
        }
    }
}
