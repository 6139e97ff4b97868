package org.ocs4j.rewrite;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Networks;
import org.ocs4j.graph.Node;
import org.ocs4j.graph.NodeKind;
import org.ocs4j.split.Channels;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Cross-layer equalization (Nagel et al., "Data-Free Quantization", ICCV 2019, §4.1): for a weight layer
 * {@code P} whose output channels reach the next weight layer {@code C} alone, through positively homogeneous
 * per-channel nodes only (ReLU, leaky ReLU, identity, pooling, zero padding, dropout), output channel {@code i} of
 * {@code P} (weights and bias) is divided by {@code s_i = √(r1_i / r2_i)} and input channel {@code i} of {@code C}
 * multiplied by it, with {@code r1_i} the range (max|w|) of that output channel of {@code P} and {@code r2_i} of
 * that input channel of {@code C}; both then have range {@code √(r1_i·r2_i)}, and the network computes the same
 * function, since {@code f(x/s) = f(x)/s} for every node between. Pairs are conv, depthwise conv (multiplier 1) and
 * dense layers; chains (conv → depthwise → conv) are equalized by repeating over all pairs until the scales settle.
 *
 * <p>Batch norms between two layers block a pair: fold them first ({@link BatchNormFolding}). ReLU6 is not
 * homogeneous ({@code min(x/s, 6) ≠ min(x, 6)/s}); with {@code replaceRelu6} the ReLU6 activations on a pair's path
 * become ReLU, as the paper does for MobileNets — which changes the FP32 function wherever an activation exceeded
 * 6, so the caller must measure that (the result says which nodes changed): on TF-slim MobileNet v1 0.25 it takes
 * FP32 top-1 from 63.92 % to 9.77 % (1,300 ImageNet validation images), which is why the pipeline does not ask for
 * it. The input model is not modified.
 */
public final class CrossLayerEqualization {

    /** Sweeps over all pairs at most; DFQ's chains settle in a few. */
    static final int MAX_SWEEPS = 20;
    /** A sweep whose largest change of any scale, {@code |s − 1|}, is below this ends the iteration. */
    static final double SETTLED = 1e-4;

    private CrossLayerEqualization() {
    }

    /**
     * One equalized pair.
     *
     * @param producer the layer whose output channels were divided
     * @param consumer the layer whose input channels were multiplied
     * @param between  the nodes between them
     */
    public record Pair(String producer, String consumer, List<String> between) {
    }

    /**
     * What equalization did.
     *
     * @param model         the equalized network, of the input's type
     * @param pairs         the equalized pairs
     * @param relu6Replaced node names of the ReLU6 activations turned into ReLU (empty unless asked)
     * @param sweeps        sweeps over all pairs until the scales settled
     * @param rangeSpread   before and after: the mean over pairs of {@code max_i r_i / min_i r_i} of the producer's
     *                      output-channel ranges (how unequal the channels are; 1 is equal)
     */
    public record Equalized<M extends Model>(M model, List<Pair> pairs, List<String> relu6Replaced, int sweeps,
                                             double[] rangeSpread) {
    }

    /** @return a new, equalized network of the same type (no pair found: an unchanged copy) */
    @SuppressWarnings("unchecked")
    public static <M extends Model> Equalized<M> equalize(M model, boolean replaceRelu6) {
        Model copy = Networks.copy(model);
        NetworkGraph graph = NetworkGraph.of(copy);
        List<Pair> pairs = new ArrayList<>();
        List<String> relu6 = new ArrayList<>();
        for (Node c : graph.nodes()) {
            Pair p = pairEndingAt(graph, c, replaceRelu6);
            if (p != null) {
                pairs.add(p);
                List<String> path = new ArrayList<>(p.between());
                path.add(p.producer());
                path.stream().filter(n -> ActivationSplits.activation(graph.node(n)) instanceof ActivationReLU6)
                        .forEach(relu6::add);
            }
        }
        List<String> replaced = relu6.stream().distinct().toList();
        makeRelu(copy, graph, replaced);
        if (pairs.isEmpty()) {
            return new Equalized<>((M) copy, List.of(), List.of(), 0, new double[] {1, 1});
        }
        double before = spread(graph, pairs);
        int sweeps = 0;
        double change = Double.POSITIVE_INFINITY;
        while (sweeps < MAX_SWEEPS && change > SETTLED) {
            change = 0;
            for (Pair p : pairs) {
                change = Math.max(change, equalize(copy, graph.node(p.producer()), graph.node(p.consumer())));
            }
            sweeps++;
        }
        return new Equalized<>((M) copy, List.copyOf(pairs), replaced, sweeps,
                new double[] {before, spread(graph, pairs)});
    }

    /**
     * @param nodes node names of ReLU6 activations (activation layers or layers with a ReLU6 activation)
     * @return a copy of {@code model} whose given ReLU6 activations are ReLU: the function an equalization with
     * {@code replaceRelu6} is exact against
     */
    @SuppressWarnings("unchecked")
    public static <M extends Model> M withRelu(M model, List<String> nodes) {
        Model copy = Networks.copy(model);
        makeRelu(copy, NetworkGraph.of(copy), nodes);
        return (M) copy;
    }

    /** @return the pair whose consumer is {@code c}, or null when {@code c} has none */
    private static Pair pairEndingAt(NetworkGraph graph, Node c, boolean replaceRelu6) {
        if (!isWeightLayer(c) && c.kind() != NodeKind.OUTPUT || c.inputs().size() != 1 || flattenFeatures(c) < 1) {
            return null;
        }
        List<String> between = new ArrayList<>();
        Node n = graph.node(c.inputs().get(0));
        while (true) {
            if (graph.consumers(n.name()).size() != 1 || graph.isNetworkOutput(n.name())) {
                return null; // read elsewhere too: scaling its channels would change another reader
            }
            if (isWeightLayer(n)) {
                Collections.reverse(between);
                return homogeneous(n, replaceRelu6) ? new Pair(n.name(), c.name(), List.copyOf(between)) : null;
            }
            if (!carries(n, replaceRelu6) || n.inputs().size() != 1) {
                return null;
            }
            between.add(n.name());
            n = graph.node(n.inputs().get(0));
        }
    }

    private static boolean isWeightLayer(Node n) {
        return n.kind() == NodeKind.CONV || n.kind() == NodeKind.DENSE || n.kind() == NodeKind.DEPTHWISE_CONV
                && ((DepthwiseConvolution2D) n.layer()).getDepthMultiplier() == 1;
    }

    /** Per-channel nodes that commute with a positive per-channel scale. */
    private static boolean carries(Node n, boolean replaceRelu6) {
        return switch (n.kind()) {
            case ACTIVATION -> homogeneous(n, replaceRelu6);
            case POOLING -> ((SubsamplingLayer) n.layer()).getPoolingType() != PoolingType.PNORM;
            case GLOBAL_POOLING -> ((GlobalPoolingLayer) n.layer()).getPoolingType() != PoolingType.PNORM;
            case DROPOUT, ZERO_PADDING -> true;
            default -> false;
        };
    }

    private static boolean homogeneous(Node n, boolean replaceRelu6) {
        IActivation fn = ActivationSplits.activation(n);
        return ActivationSplits.positivelyHomogeneous(fn) || replaceRelu6 && fn instanceof ActivationReLU6;
    }

    /** Makes the activation of every named node of {@code model} (viewed as {@code graph}) ReLU. */
    private static void makeRelu(Model model, NetworkGraph graph, List<String> nodes) {
        for (String name : nodes) {
            Node n = graph.node(name);
            for (Object conf : List.of(Networks.layer(model, n).conf().getLayer(), n.layer())) {
                // the runtime layer's configuration and the graph's own view of it
                if (conf instanceof ActivationLayer a) {
                    a.setActivationFn(new ActivationReLU());
                } else {
                    ((BaseLayer) conf).setActivationFn(new ActivationReLU());
                }
            }
        }
    }

    /** Input features per channel of a consumer: H·W after an NCHW flatten, 1 otherwise; 0 when not channel-major. */
    private static long flattenFeatures(Node c) {
        InputPreProcessor pre = c.preProcessor();
        if (pre == null) {
            return 1;
        }
        if (pre instanceof CnnToFeedForwardPreProcessor flat && (flat.getFormat() == CNN2DFormat.NCHW
                || flat.getInputHeight() * flat.getInputWidth() == 1)) {
            return flat.getInputHeight() * flat.getInputWidth();
        }
        return 0;
    }

    /** One pair's step; @return the largest {@code |s_i − 1|} */
    private static double equalize(Model model, Node p, Node c) {
        Layer producer = Networks.layer(model, p);
        Layer consumer = Networks.layer(model, c);
        INDArray w1 = producer.getParam("W");
        INDArray w2 = consumer.getParam("W");
        int out = outputAxis(p);
        INDArray r1 = w1.amax(Channels.otherAxes(w1.rank(), out)).castTo(DataType.DOUBLE);
        INDArray r2 = inputRanges(c, w2).castTo(DataType.DOUBLE);
        // s = √(r1/r2); a channel that is all zero on either side keeps s = 1
        INDArray valid = r1.gt(0).castTo(DataType.DOUBLE).muli(r2.gt(0).castTo(DataType.DOUBLE));
        INDArray ratio = r1.div(Transforms.max(r2, Double.MIN_NORMAL, true)).muli(valid).addi(valid.rsub(1));
        INDArray s = Transforms.sqrt(ratio, false).castTo(w1.dataType());
        Nd4j.getExecutioner().exec(new BroadcastDivOp(w1, s, w1, out));
        INDArray b1 = producer.getParam("b");
        if (b1 != null) {
            b1.assign(b1.reshape(-1).div(s).reshape(b1.shape()));
        }
        scaleInputs(c, w2, s);
        return Transforms.abs(s.castTo(DataType.DOUBLE).sub(1.0), false).maxNumber().doubleValue();
    }

    private static int outputAxis(Node n) {
        return switch (n.kind()) {
            case CONV -> 0;          // [O, I, kh, kw]
            case DEPTHWISE_CONV -> 2; // [kh, kw, C, 1]
            default -> 1;            // dense [I, O]
        };
    }

    /** Per input channel of the consumer: max|w| over everything that channel feeds. */
    private static INDArray inputRanges(Node c, INDArray w) {
        return switch (c.kind()) {
            case CONV -> w.amax(0, 2, 3);
            case DEPTHWISE_CONV -> w.amax(0, 1, 3);
            default -> {
                long g = flattenFeatures(c);
                yield w.dup('c').reshape('c', w.size(0) / g, g * w.size(1)).amax(1);
            }
        };
    }

    private static void scaleInputs(Node c, INDArray w, INDArray s) {
        switch (c.kind()) {
            case CONV -> Nd4j.getExecutioner().exec(new BroadcastMulOp(w, s, w, 1));
            case DEPTHWISE_CONV -> Nd4j.getExecutioner().exec(new BroadcastMulOp(w, s, w, 2));
            default -> {
                long g = flattenFeatures(c);
                // each channel's factor on its g rows (NCHW flatten: channel-major); reshape(char, long[]), as
                // reshape('c', n) would resolve to reshape(long rows, long columns)
                INDArray rows = g == 1 ? s : s.reshape(s.length(), 1).repeat(1, g).reshape('c', new long[] {s.length() * g});
                Nd4j.getExecutioner().exec(new BroadcastMulOp(w, rows.castTo(w.dataType()), w, 0));
            }
        }
    }

    /** Mean over pairs of max/min of the producer's nonzero output-channel ranges. */
    private static double spread(NetworkGraph graph, List<Pair> pairs) {
        double sum = 0;
        for (Pair p : pairs) {
            Node n = graph.node(p.producer());
            INDArray w = graph.param(n, "W");
            double[] r = w.amax(Channels.otherAxes(w.rank(), outputAxis(n))).toDoubleVector();
            double max = 0;
            double min = Double.POSITIVE_INFINITY;
            for (double v : r) {
                if (v > 0) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
            }
            sum += max == 0 ? 1 : max / min;
        }
        return sum / pairs.size();
    }
}
