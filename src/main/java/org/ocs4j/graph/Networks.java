package org.ocs4j.graph;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DL4J networks addressed by {@link NetworkGraph} node names (the layer index in an MLN, the vertex name in a CG):
 * a node's layer, every node's activations, fresh vertex names, and networks built without DL4J's random
 * initialization for callers that overwrite every parameter.
 */
public final class Networks {

    private Networks() {
    }

    /** @return the DL4J layer of a layer node */
    public static Layer layer(Model model, Node node) {
        return model instanceof MultiLayerNetwork mln ? mln.getLayer(Integer.parseInt(node.name()))
                : ((ComputationGraph) model).getLayer(node.name());
    }

    /**
     * Runs the model and returns every node's output by node name (an MLN's input is {@link NetworkGraph#MLN_INPUT}).
     *
     * @param train training mode (batch statistics in batch norm, dropout) or inference
     */
    public static Map<String, INDArray> activations(Model model, INDArray features, boolean train) {
        if (model instanceof ComputationGraph cg) {
            return cg.feedForward(features, train);
        }
        List<INDArray> list = ((MultiLayerNetwork) model).feedForward(features, train);
        Map<String, INDArray> byName = new HashMap<>();
        byName.put(NetworkGraph.MLN_INPUT, list.get(0));
        for (int i = 1; i < list.size(); i++) {
            byName.put(String.valueOf(i - 1), list.get(i));
        }
        return byName;
    }

    /** @return an independent copy of a MultiLayerNetwork or ComputationGraph (configuration and parameters) */
    public static Model copy(Model model) {
        return model instanceof MultiLayerNetwork m ? m.clone() : ((ComputationGraph) model).clone();
    }

    /**
     * Copies every parameter of {@code from} into the parameter of the same key of {@code to}, the one way ocs4j fills
     * a rebuilt network from the network it was rebuilt from.
     *
     * @throws IllegalStateException naming the layer and key when a shape differs or a key is missing ({@code
     *                               setParam} would accept a wrong shape silently)
     */
    public static void copyParameters(Layer from, Layer to) {
        for (Map.Entry<String, INDArray> p : from.paramTable().entrySet()) {
            INDArray dest = to.paramTable().get(p.getKey());
            if (dest == null || !java.util.Arrays.equals(dest.shape(), p.getValue().shape())) {
                throw new IllegalStateException("internal error rebuilding layer \"" + to.conf().getLayer().getLayerName()
                        + "\": parameter " + p.getKey() + " of shape " + java.util.Arrays.toString(p.getValue().shape())
                        + " has no place of that shape (" + (dest == null ? "missing" : java.util.Arrays.toString(dest.shape()))
                        + ")");
            }
            dest.assign(p.getValue());
        }
    }

    /** @return {@code base}, or {@code base-2}, {@code base-3}… when a vertex or input of that name exists */
    public static String freshName(ComputationGraphConfiguration conf, String base) {
        String name = base;
        for (int i = 2; conf.getVertices().containsKey(name) || conf.getNetworkInputs().contains(name); i++) {
            name = base + "-" + i;
        }
        return name;
    }

    /**
     * An MLN whose parameters are all zero: the caller overwrites every one, so DL4J's random initialization
     * (seconds for a ResNet50) is skipped.
     */
    public static MultiLayerNetwork withZeroParameters(MultiLayerConfiguration conf) {
        long count = 0;
        for (NeuralNetConfiguration c : conf.getConfs()) {
            count += c.getLayer().initializer().numParams(c);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init(Nd4j.zeros(conf.getDataType(), 1, count), false);
        return net;
    }

    /** A CG whose parameters are all zero, for callers that overwrite every one. */
    public static ComputationGraph withZeroParameters(ComputationGraphConfiguration conf) {
        long count = 0;
        for (GraphVertex v : conf.getVertices().values()) {
            count += v.numParams(true);
        }
        ComputationGraph net = new ComputationGraph(conf);
        net.init(Nd4j.zeros(conf.getDataType(), 1, count), false);
        return net;
    }

    /** @return whether the network's images are channels-last (its first convolution reads NHWC) */
    public static boolean channelsLast(Model model) {
        for (Node n : NetworkGraph.of(model).nodes()) {
            if (n.layer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer c) {
                return c.getCnn2dDataFormat() == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC;
            }
        }
        return false;
    }

    /**
     * @return the vocabulary size when the network's first layer is an embedding (its input is token ids, not
     * values), else 0
     */
    public static long tokenVocabulary(Model model) {
        for (Node n : NetworkGraph.of(model).nodes()) {
            if (n.layer() != null) {
                return n.kind() == NodeKind.EMBEDDING
                        ? ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) n.layer()).getNIn() : 0;
            }
        }
        return 0;
    }

    /**
     * @throws IllegalArgumentException naming the first node (and parameter) that holds NaN or infinite values, and
     *                                  how many: such a model cannot be quantized or widened meaningfully
     */
    public static void requireFiniteParameters(Model model) {
        for (Node n : NetworkGraph.of(model).nodes()) {
            if (n.layer() == null) continue;
            for (Map.Entry<String, INDArray> p : layer(model, n).paramTable().entrySet()) {
                INDArray v = p.getValue();
                if (!Double.isFinite(v.sumNumber().doubleValue())) {
                    long nan = v.isNaN().castTo(org.nd4j.linalg.api.buffer.DataType.LONG).sumNumber().longValue();
                    long inf = v.isInfinite().castTo(org.nd4j.linalg.api.buffer.DataType.LONG).sumNumber().longValue();
                    if (nan + inf > 0) {
                        throw new IllegalArgumentException(n.describe() + " has " + nan + " NaN and " + inf
                                + " infinite values in its parameter " + p.getKey() + " (of " + v.length() + "): the"
                                + " model is damaged (diverged training or a corrupt file); use a finite model");
                    }
                }
            }
        }
    }
}
