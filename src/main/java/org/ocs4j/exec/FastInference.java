package org.ocs4j.exec;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.BatchNorm;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * Inference of a DL4J {@link MultiLayerNetwork} or single-input, single-output {@link ComputationGraph}, with the
 * same result as its {@code output()}: layers and vertices run in the model's own order through DL4J's own code,
 * except plain {@link ConvolutionLayer}s (2-D, not causal), which run through libnd4j's {@code conv2d} op on the
 * model's weights as they are ({@code [nOut, nIn, kH, kW]}, no copy) followed by the layer's activation, batch
 * norms, which run as one {@code batchnorm} op, and plain LSTMs, which run as one {@code lstmLayer} op. DL4J
 * 1.0.0-M2.1 computes those layers with a Java im2col + gemm path (its oneDNN helpers are disabled: the
 * helper check looks up a class that does not exist in that release), which is several times slower than the op. Inference only: no dropout, no training state; the model
 * is not modified (DL4J layers keep their last input, as with {@code output()}).
 */
public final class FastInference {

    private static final LayerWorkspaceMgr NO_WORKSPACES = LayerWorkspaceMgr.noWorkspaces();

    private FastInference() {
    }

    /** @return the network's output for {@code input} (batch first, the layout the model expects) */
    public static INDArray output(Model model, INDArray input) {
        return run(model, input, FastInference::forward);
    }

    /**
     * The model's layers and vertices in order, each layer computed by {@code layerForward} (given its input after
     * any preprocessor), every other vertex and preprocessor by DL4J's code. {@link #output} passes
     * {@link #forward}; tests pass a function that also runs DL4J's own layer code to compare the two layer by layer.
     */
    static INDArray run(Model model, INDArray input, BiFunction<Layer, INDArray, INDArray> layerForward) {
        return run(model, input, layerForward, (name, out) -> { });
    }

    /**
     * Runs the model on the fast path and hands every node's output to {@code observer} the moment it is produced,
     * by {@link org.ocs4j.graph.NetworkGraph} node name (an MLN's layer index, its input
     * {@link org.ocs4j.graph.NetworkGraph#MLN_INPUT}; a graph's vertex name). The observer must use the array before
     * it returns: a later activation layer may overwrite it in place, as in DL4J's own forward pass.
     *
     * @return the network's output
     */
    public static INDArray observe(Model model, INDArray input, BiConsumer<String, INDArray> observer) {
        return run(model, input, FastInference::forward, observer);
    }

    private static INDArray run(Model model, INDArray input, BiFunction<Layer, INDArray, INDArray> layerForward,
                                BiConsumer<String, INDArray> observer) {
        if (model instanceof MultiLayerNetwork mln) {
            return output(mln, input, layerForward, observer);
        }
        if (model instanceof ComputationGraph cg) {
            return output(cg, input, layerForward, observer);
        }
        throw new IllegalArgumentException("fast inference runs a MultiLayerNetwork or ComputationGraph, not "
                + model.getClass().getSimpleName());
    }

    /** @return how many layers of {@code model} run through the {@code conv2d} op (batch norms not counted) */
    public static int acceleratedLayers(Model model) {
        int n = 0;
        Layer[] layers = model instanceof MultiLayerNetwork mln ? mln.getLayers() : ((ComputationGraph) model).getLayers();
        for (Layer l : layers) {
            if (accelerated(l)) n++;
        }
        return n;
    }

    private static INDArray output(MultiLayerNetwork mln, INDArray input,
                                   BiFunction<Layer, INDArray, INDArray> layerForward,
                                   BiConsumer<String, INDArray> observer) {
        INDArray x = input;
        observer.accept(org.ocs4j.graph.NetworkGraph.MLN_INPUT, x);
        for (int i = 0; i < mln.getnLayers(); i++) {
            InputPreProcessor pre = mln.getLayerWiseConfigurations().getInputPreProcess(i);
            if (pre != null) {
                x = pre.preProcess(x, (int) x.size(0), NO_WORKSPACES);
            }
            x = layerForward.apply(mln.getLayer(i), x);
            observer.accept(String.valueOf(i), x);
        }
        return x;
    }

    private static INDArray output(ComputationGraph cg, INDArray input,
                                   BiFunction<Layer, INDArray, INDArray> layerForward,
                                   BiConsumer<String, INDArray> observer) {
        if (cg.getNumInputArrays() != 1 || cg.getNumOutputArrays() != 1) {
            throw new IllegalArgumentException("fast inference supports graphs with one input and one output; this one"
                    + " has " + cg.getNumInputArrays() + " and " + cg.getNumOutputArrays());
        }
        GraphVertex[] vertices = cg.getVertices();
        Map<Integer, INDArray> outputs = new HashMap<>();
        int last = -1;
        for (int index : cg.topologicalSortOrder()) {
            GraphVertex v = vertices[index];
            INDArray out;
            if (v.isInputVertex()) {
                out = input;
            } else {
                VertexIndices[] from = v.getInputVertices();
                INDArray[] in = new INDArray[from.length];
                for (int i = 0; i < from.length; i++) {
                    in[i] = outputs.get(from[i].getVertexIndex());
                }
                if (v instanceof org.deeplearning4j.nn.graph.vertex.impl.PreprocessorVertex pv) {
                    out = pv.getPreProcessor().preProcess(in[0], (int) in[0].size(0), NO_WORKSPACES);
                } else if (v instanceof LayerVertex lv) {
                    INDArray x = in[0];
                    if (lv.getLayerPreProcessor() != null) {
                        x = lv.getLayerPreProcessor().preProcess(x, (int) x.size(0), NO_WORKSPACES);
                    }
                    out = layerForward.apply(lv.getLayer(), x);
                } else {
                    v.setInputs(in);
                    out = v.doForward(false, NO_WORKSPACES);
                    v.clear();
                }
            }
            outputs.put(index, out);
            observer.accept(v.getVertexName(), out);
            if (v.isOutputVertex()) {
                last = index;
            }
        }
        return outputs.get(last);
    }

    /** One layer on the fast path (what {@link #output} runs for it), given its input after any preprocessor. */
    static INDArray forward(Layer layer, INDArray x) {
        if (accelerated(layer)) {
            return convolution((ConvolutionLayer) layer.conf().getLayer(), layer, x);
        }
        if (fusedBatchNorm(layer, x)) {
            return batchNorm((BatchNormalization) layer.conf().getLayer(), layer, x);
        }
        if (layer.conf().getLayer() instanceof LSTM && FusedLstm.unsupported(layer) == null) {
            return lstm(layer, x);
        }
        INDArray out = layer.activate(x, false, NO_WORKSPACES);
        layer.clear();
        return out;
    }

    /**
     * An LSTM over a whole {@code [N, C, T]} input from a zero state, as DL4J's {@code activate} computes it, through
     * the fused op: DL4J runs each time step as a dozen small ops (PTB model, 8 × 350 tokens: 3.8 s, fused 1.3 s).
     */
    static INDArray lstm(Layer layer, INDArray x) {
        INDArray[] w = FusedLstm.weights(layer);
        INDArray rw = w[1];
        INDArray input = (x.dataType() == rw.dataType() ? x : x.castTo(rw.dataType())).dup('c');
        long units = rw.size(0);
        return FusedLstm.forward(input, false, w[0], rw, w[2], Nd4j.zeros(rw.dataType(), x.size(0), units),
                Nd4j.zeros(rw.dataType(), x.size(0), units))[0];
    }

    /** A batch norm over a rank-2 or rank-4 input: one libnd4j {@code batchnorm} op instead of DL4J's six. */
    static boolean fusedBatchNorm(Layer layer, INDArray x) {
        return layer.conf().getLayer().getClass() == BatchNormalization.class && (x.rank() == 2 || x.rank() == 4);
    }

    /**
     * DL4J's inference batch norm, {@code γ·(x − mean)/sqrt(var + ε) + β} (variance from {@code 10^(2·log10 s)} when
     * the layer stores log standard deviations; γ, β the configured constants when locked), over the channel axis;
     * DL4J applies no activation after it.
     */
    static INDArray batchNorm(BatchNormalization conf, Layer layer, INDArray x) {
        long c = conf.getNOut();
        INDArray mean = layer.getParam("mean").reshape(c);
        INDArray var;
        if (conf.isUseLogStd()) {
            INDArray std = Transforms.pow(Nd4j.valueArrayOf(new long[]{c}, 10.0, mean.dataType()),
                    layer.getParam("log10stdev").reshape(c), false);
            var = std.muli(std);
        } else {
            var = layer.getParam("var").reshape(c);
        }
        INDArray gamma = conf.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[]{c}, conf.getGamma(), mean.dataType())
                : layer.getParam("gamma").reshape(c);
        INDArray beta = conf.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[]{c}, conf.getBeta(), mean.dataType())
                : layer.getParam("beta").reshape(c);
        int axis = x.rank() == 2 || conf.getCnn2DFormat() == CNN2DFormat.NCHW ? 1 : 3;
        INDArray input = contiguous(x.dataType() == mean.dataType() ? x : x.castTo(mean.dataType()));
        return Nd4j.exec(new BatchNorm(input, mean, var, gamma, beta, conf.getEps(), axis))[0];
    }

    /**
     * The ops read their input as a dense c-order buffer: an array with other strides (a permuted NHWC view from an
     * image pipeline, say) would be read wrongly — silently, NaNs or a crash — so it is copied first.
     */
    private static INDArray contiguous(INDArray x) {
        return x.ordering() == 'c' && !x.isView() && org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(x)
                ? x : x.dup('c');
    }

    /** A plain 2-D convolution (exactly {@link ConvolutionLayer}, not a subclass), not in causal mode. */
    static boolean accelerated(Layer layer) {
        return layer.conf().getLayer().getClass() == ConvolutionLayer.class
                && ((ConvolutionLayer) layer.conf().getLayer()).getConvolutionMode() != ConvolutionMode.Causal;
    }

    /**
     * {@code conv2d} on DL4J's weights: same padding rule as DL4J (Same = TensorFlow's, top-left padding
     * {@code floor(total/2)}; Truncate/Strict = the configured padding), then the layer's activation.
     */
    static INDArray convolution(ConvolutionLayer conf, Layer layer, INDArray x) {
        boolean nchw = conf.getCnn2dDataFormat() == CNN2DFormat.NCHW;
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        int[] d = conf.getDilation();
        int[] p = conf.getPadding();
        boolean same = conf.getConvolutionMode() == ConvolutionMode.Same;
        Conv2DConfig config = Conv2DConfig.builder().kH(k[0]).kW(k[1]).sH(s[0]).sW(s[1])
                .pH(same ? 0 : p[0]).pW(same ? 0 : p[1]).dH(d[0]).dW(d[1])
                .paddingMode(same ? PaddingMode.SAME : PaddingMode.VALID)
                .dataFormat(nchw ? Conv2DConfig.NCHW : Conv2DConfig.NHWC).weightsFormat(WeightsFormat.OIYX).build();
        INDArray w = layer.getParam("W");
        long channels = nchw ? x.size(1) : x.size(3);
        if (x.rank() != 4 || channels != w.size(1)) {
            throw new IllegalArgumentException("convolution layer " + conf.getLayerName() + " expects rank-4 "
                    + conf.getCnn2dDataFormat() + " input with " + w.size(1) + " channels, got shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        INDArray input = contiguous(x.dataType() == w.dataType() ? x : x.castTo(w.dataType()));
        INDArray[] inputs = conf.hasBias() ? new INDArray[]{input, w, layer.getParam("b").reshape(w.size(0))}
                : new INDArray[]{input, w};
        INDArray z = Nd4j.exec(new Conv2D(inputs, null, config))[0];
        return conf.getActivationFn().getActivation(z, false);
    }
}
