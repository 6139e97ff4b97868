package org.ocs4j.exec;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

/**
 * Stateful inference of a recurrent DL4J {@link MultiLayerNetwork} (a language model: embedding, LSTMs, fake-quant
 * activation layers, RNN output layer), with the same results as its {@code rnnTimeStep}: each {@link LSTM} layer runs
 * as one libnd4j {@code lstmLayer} op over the whole window ({@link FusedLstm}) with its state carried to the next
 * call, every other layer through DL4J's own code. DL4J's {@code LSTM} runs each time step as a dozen small ops and is
 * several times slower. The network is not modified; the state lives in this object. The LSTM weights are read,
 * in the op's gate order, when this object is made: make a new one after changing them.
 */
public final class FastRecurrentInference {

    private static final LayerWorkspaceMgr NO_WORKSPACES = LayerWorkspaceMgr.noWorkspaces();

    private final MultiLayerNetwork net;
    /** Layer index → {last output, last cell state}. */
    private final Map<Integer, INDArray[]> state = new HashMap<>();
    /** LSTM layer index → {W, RW, b} in the op's gate order. */
    private final Map<Integer, INDArray[]> fusedWeights = new HashMap<>();
    /** The {@code [N·T, V]} logits of {@link #logits}, reused by every call. */
    private ReusedRows logits;

    /**
     * @throws IllegalArgumentException naming the layer, if a recurrent layer is not a plain NCW {@link LSTM} with
     *                                  sigmoid gates and tanh activation (run such models with the DL4J executor)
     */
    public FastRecurrentInference(MultiLayerNetwork net) {
        this.net = net;
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer layer = net.getLayer(i);
            var conf = layer.conf().getLayer();
            if (conf.getClass() == LSTM.class) {
                String unsupported = FusedLstm.unsupported(layer);
                if (unsupported != null) {
                    throw new IllegalArgumentException("layer " + i + " (" + conf.getLayerName() + "): " + unsupported
                            + " — use the DL4J executor (--executor dl4j)");
                }
                fusedWeights.put(i, FusedLstm.weights(layer));
            } else if (layer instanceof RecurrentLayer) {
                throw new IllegalArgumentException("layer " + i + " (" + conf.getLayerName() + ") is a "
                        + conf.getClass().getSimpleName() + "; fast recurrent inference runs LSTM layers only — use"
                        + " the DL4J executor (--executor dl4j)");
            }
        }
    }

    /** @return the output for {@code input} ({@code [N, C, T]}), continuing from the state of the previous call */
    public INDArray timeStep(INDArray input) {
        return forward(input, net.getnLayers());
    }

    /**
     * What {@link #timeStep} computes before the output layer's softmax, continuing from the state of the previous
     * call: {@code z = x·W + b} for every time step, as rows {@code n·T + t} of a {@code [N·T, V]} matrix. The
     * log-probabilities {@code z − logsumexp(z)} taken from it do not underflow where the softmax gives 0, and skip
     * the softmax's normalisation and its copies into and out of the NCW layout.
     *
     * @return the logits in an array this object reuses: the next call overwrites them (the caller may modify them)
     * @throws IllegalStateException if the last layer is not a softmax {@link RnnOutputLayer} on NCW data
     */
    public INDArray logits(INDArray input) {
        int last = net.getnLayers() - 1;
        Layer layer = net.getLayer(last);
        if (!(layer.conf().getLayer() instanceof RnnOutputLayer out) || !(out.getActivationFn() instanceof ActivationSoftmax)
                || out.getRnnDataFormat() != RNNFormat.NCW) {
            throw new IllegalStateException("layer " + last + " (" + layer.conf().getLayer().getLayerName() + ") is not"
                    + " a softmax RnnOutputLayer on NCW data: take probabilities from timeStep instead");
        }
        INDArray x = forward(input, last);
        InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(last);
        if (pre != null) {
            x = pre.preProcess(x, (int) x.size(0), NO_WORKSPACES);
        }
        INDArray w = layer.getParam("W");
        INDArray rows = x.permute(0, 2, 1).castTo(w.dataType()).dup('c').reshape(x.size(0) * x.size(2), x.size(1));
        if (logits == null || !logits.fits(w.size(1), w.dataType())) {
            logits = new ReusedRows(w.size(1), w.dataType());
        }
        INDArray z = logits.rows(rows.size(0));
        Nd4j.gemm(rows, w, z, false, false, 1.0, 0.0);
        INDArray b = layer.getParam("b");
        return b == null ? z : z.addiRowVector(b);
    }

    /** Runs layers {@code 0 .. end − 1} (with their preprocessors) on {@code input}. */
    private INDArray forward(INDArray input, int end) {
        INDArray x = input;
        for (int i = 0; i < end; i++) {
            InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
            if (pre != null) {
                x = pre.preProcess(x, (int) x.size(0), NO_WORKSPACES);
            }
            Layer layer = net.getLayer(i);
            if (layer.conf().getLayer().getClass() == LSTM.class) {
                x = lstm(i, x);
            } else {
                x = layer.activate(x, false, NO_WORKSPACES);
            }
        }
        return x;
    }

    private INDArray lstm(int index, INDArray x) {
        INDArray[] weights = fusedWeights.get(index);
        INDArray rw = weights[1];
        long units = rw.size(0);
        INDArray[] previous = state.get(index);
        if (previous == null || previous[0].size(0) != x.size(0)) {
            previous = new INDArray[]{Nd4j.zeros(rw.dataType(), x.size(0), units),
                    Nd4j.zeros(rw.dataType(), x.size(0), units)};
        }
        INDArray input = x.dataType() == rw.dataType() ? x.dup('c') : x.castTo(rw.dataType()).dup('c');
        INDArray[] out = FusedLstm.forward(input, false, weights[0], rw, weights[2], previous[0], previous[1]);
        state.put(index, new INDArray[]{out[1], out[2]});
        return out[0];
    }

    /** Forgets the recurrent state: the next call starts from zeros. */
    public void clearState() {
        state.clear();
    }
}
