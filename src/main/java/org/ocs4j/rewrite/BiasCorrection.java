package org.ocs4j.rewrite;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.graph.Networks;
import org.ocs4j.graph.Node;
import org.ocs4j.graph.NodeKind;

import java.util.stream.IntStream;

/**
 * Bias correction of a quantized layer (Nagel et al., ICCV 2019, §4.2, with the input mean measured on calibration
 * data): quantizing the weights {@code W → W_q} shifts the layer's pre-activation output by {@code (W_q − W)·E[x]}
 * on average; subtracting that from the bias removes the shift. Conv, depthwise conv, dense and output layers are
 * linear before their activation, so the expected shift is the layer's own linear operation with weights
 * {@code W_q − W} and no bias applied to the mean input {@code E[x]} (mean over examples, kept per position — so
 * zero padding at the borders is accounted for exactly), then averaged over positions per output channel.
 */
public final class BiasCorrection {

    private static final LayerWorkspaceMgr NO_WORKSPACES = LayerWorkspaceMgr.noWorkspaces();

    private BiasCorrection() {
    }

    /** @return whether bias correction applies to a node of this kind (the layers that are linear before activation) */
    public static boolean corrects(NodeKind kind) {
        return kind == NodeKind.CONV || kind == NodeKind.DEPTHWISE_CONV || kind == NodeKind.DENSE
                || kind == NodeKind.OUTPUT || kind == NodeKind.RNN_OUTPUT;
    }

    /**
     * The expected output shift of one layer, per output channel.
     *
     * @param scratch   a throw-away copy of the quantized model: the layer's parameters and activation are overwritten
     * @param node      the layer, a kind {@link #corrects} accepts
     * @param fp32      its FP32 weights {@code W}
     * @param quantized its quantized weights {@code W_q}, same shape
     * @param meanInput the mean of the node's input over the calibration examples, {@code [1, ...]} (before the
     *                  node's input preprocessor)
     * @return {@code E[(W_q − W)·x]} per output channel
     */
    public static INDArray expectedShift(Model scratch, Node node, INDArray fp32, INDArray quantized,
                                         INDArray meanInput) {
        if (!corrects(node.kind())) {
            throw new IllegalArgumentException(node.describe() + ": bias correction handles conv, depthwise conv,"
                    + " dense and output layers only");
        }
        Layer layer = Networks.layer(scratch, node);
        ((BaseLayer) layer.conf().getLayer()).setActivationFn(new ActivationIdentity());
        layer.setParam("W", quantized.sub(fp32));
        INDArray b = layer.getParam("b");
        if (b != null) {
            b.assign(0);
        }
        INDArray x = meanInput.castTo(quantized.dataType());
        if (node.preProcessor() != null) {
            x = node.preProcessor().preProcess(x, (int) x.size(0), NO_WORKSPACES);
        }
        INDArray y = layer.activate(x, false, NO_WORKSPACES);
        int axis = y.rank() > 2 && node.layer() instanceof ConvolutionLayer c
                && c.getCnn2dDataFormat() == CNN2DFormat.NHWC ? y.rank() - 1 : 1;
        int[] others = IntStream.range(0, y.rank()).filter(d -> d != axis).toArray();
        return y.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).mean(others);
    }
}
