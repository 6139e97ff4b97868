package org.ocs4j.zoo;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Networks;
import org.ocs4j.graph.Node;
import org.ocs4j.graph.NodeKind;

import java.util.Map;

/**
 * Sets every batch-norm layer's running mean and variance to the statistics of one batch, so that a freshly
 * initialized network (random weights, running stats 0 and 1) gives finite, well-scaled outputs in inference mode.
 * Deep random networks otherwise overflow: DL4J's zoo ResNet50 with default init outputs NaN.
 *
 * <p>The statistics come from a training-mode forward pass, in which each batch norm normalizes with the batch's
 * own statistics; after calibration, inference on that batch reproduces those activations. Modifies the model
 * <b>in place</b>.
 */
public final class BatchNormCalibration {

    private BatchNormCalibration() {
    }

    /**
     * Calibrates in place.
     *
     * @param model an initialized MLN or CG with a single input
     * @param batch inputs, batch first
     */
    public static void calibrateInPlace(Model model, INDArray batch) {
        NetworkGraph graph = NetworkGraph.of(model);
        Map<String, INDArray> activations = Networks.activations(model, batch, true);
        for (Node n : graph.nodes()) {
            if (n.kind() != NodeKind.BATCH_NORM) {
                continue;
            }
            BatchNormalization bn = (BatchNormalization) n.layer();
            INDArray x = activations.get(n.inputs().get(0));
            int[] reduce = x.rank() == 4 ? channelReduction(bn, x) : new int[] {0};
            INDArray mean = x.mean(reduce);
            INDArray var = x.var(false, reduce);
            org.deeplearning4j.nn.api.Layer impl = Networks.layer(model, n);
            INDArray meanView = impl.getParam("mean");
            meanView.assign(mean.reshape(meanView.shape()));
            if (bn.isUseLogStd()) {
                INDArray logStd = impl.getParam("log10stdev");
                // DL4J's log-std parameterisation stores log10(sqrt(var + eps)): without eps a dead channel
                // (variance 0) would store -infinity
                logStd.assign(Transforms.log(Transforms.sqrt(var.add(bn.getEps()), false), 10.0, false)
                        .reshape(logStd.shape()));
            } else {
                INDArray varView = impl.getParam("var");
                varView.assign(var.reshape(varView.shape()));
            }
        }
    }

    private static int[] channelReduction(BatchNormalization bn, INDArray x) {
        boolean nchw = bn.getCnn2DFormat() == org.deeplearning4j.nn.conf.CNN2DFormat.NCHW;
        return nchw ? new int[] {0, 2, 3} : new int[] {0, 1, 2};
    }
}
