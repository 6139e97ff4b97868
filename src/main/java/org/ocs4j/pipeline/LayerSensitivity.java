package org.ocs4j.pipeline;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.eval.OutputError;
import org.ocs4j.graph.Networks;
import org.ocs4j.graph.Node;
import org.ocs4j.quant.WeightQuantizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A layer's sensitivity: the network's output error against FP32 on the first calibration batch when that layer's
 * weights alone are quantized (plainly, with the configuration's clip method and scales, at a given width) and every
 * other layer stays FP32. Works on a private copy of the stage's current model and restores each layer after
 * measuring it. What budgeted OCS and mixed precision hand their budgets out by.
 */
final class LayerSensitivity {

    private final OcsConfig config;
    private final OutputError.Reference reference;
    private final Model scratch;

    /** @throws IllegalArgumentException when the work has no calibration data (naming {@code purpose}) */
    LayerSensitivity(Work work, String purpose, String otherwise) {
        if (work.calibrationData == null) {
            throw new IllegalArgumentException(purpose + " needs calibration data to measure each layer's"
                    + " sensitivity: give calibration batches, or " + otherwise);
        }
        this.config = work.config;
        this.reference = OutputError.reference(work.model, work.calibrationData.batches(), 1);
        this.scratch = Networks.copy(work.model);
    }

    /**
     * @param n    a layer of the work's model
     * @param bits the weight bit width
     * @param keys the parameters to quantize ({@code W}; an LSTM's {@code W} and {@code RW})
     * @return the relative output error with those parameters of {@code n} alone quantized
     */
    double of(Node n, int bits, List<String> keys) {
        List<INDArray> kept = new ArrayList<>();
        for (String key : keys) {
            INDArray w = Networks.layer(scratch, n).getParam(key);
            kept.add(w.dup());
            if (config.perChannel()) {
                WeightQuantizer.perChannel(w, QuantizeWeights.outputAxis(n), config.weightClip(), bits);
            } else {
                WeightQuantizer.perTensor(w, bits, WeightQuantizer.clipAlpha(config.weightClip(), w, bits));
            }
        }
        double error = reference.relative(scratch);
        for (int i = 0; i < keys.size(); i++) {
            Networks.layer(scratch, n).getParam(keys.get(i)).assign(kept.get(i));
        }
        return error;
    }
}
