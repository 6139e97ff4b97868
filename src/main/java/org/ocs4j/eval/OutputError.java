package org.ocs4j.eval;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ocs4j.exec.FastInference;

/**
 * How far a model's outputs are from a reference model's on the same inputs: {@code Σ(y − y_ref)² / Σ y_ref²}
 * over the batches (each batch's norms reduced by ND4J, summed across batches in double), outputs through the fast
 * executor. Choosing between quantized variants by this error on calibration data keeps the scored (test) data out
 * of every choice.
 */
public final class OutputError {

    private OutputError() {
    }

    /**
     * @param reference the FP32 model
     * @param candidate a quantized (or otherwise changed) version of it, same inputs and outputs
     * @param data      the inputs (reset first when possible); at most {@code batches} batches are read
     * @throws IllegalArgumentException when the data is empty or the outputs differ in shape
     */
    public static double relative(Model reference, Model candidate, DataSetIterator data, int batches) {
        if (data.resetSupported()) {
            data.reset();
        }
        double noise = 0;
        double signal = 0;
        int seen = 0;
        while (data.hasNext() && seen < batches) {
            DataSet b = data.next();
            INDArray want = FastInference.output(reference, b.getFeatures());
            INDArray got = FastInference.output(candidate, b.getFeatures());
            if (!java.util.Arrays.equals(want.shape(), got.shape())) {
                throw new IllegalArgumentException("the two models' outputs differ in shape: "
                        + java.util.Arrays.toString(want.shape()) + " vs " + java.util.Arrays.toString(got.shape()));
            }
            // no double copies: a language model's outputs are large
            double n = got.sub(want).norm2Number().doubleValue();
            noise += n * n;
            double s = want.norm2Number().doubleValue();
            signal += s * s;
            seen++;
        }
        if (seen == 0) {
            throw new IllegalArgumentException("no data to compare the outputs on");
        }
        return signal == 0 ? (noise == 0 ? 0 : Double.POSITIVE_INFINITY) : noise / signal;
    }
}
