package org.ocs4j.graph;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationPReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;

import java.util.ArrayList;
import java.util.List;

/**
 * Traces input channel {@code c} of a consumer layer back to the node that makes it, through the nodes that carry
 * channels one to one: batch norm, element-wise activations, pooling, global pooling, dropout, zero padding,
 * cropping, and depthwise convolution with depth multiplier 1 (channel-coupled: its input channel is duplicated
 * with it). Producers are conv, dense, embedding and LSTM layers (an LSTM's output channels are its units). A CNN→dense flatten in front of the consumer makes one channel a block of {@code H·W} features.
 */
public final class ChannelTracer {

    private ChannelTracer() {
    }

    /** @return the channel path of {@code consumer}'s single input */
    public static ChannelPath trace(NetworkGraph graph, Node consumer) {
        if (consumer.inputs().size() != 1) {
            return blocked(consumer, List.of(), consumer, 1, consumer.describe() + " has "
                    + consumer.inputs().size() + " inputs; a split consumer needs exactly one");
        }
        long features;
        String flattenProblem = null;
        InputPreProcessor pre = consumer.preProcessor();
        if (pre == null) {
            features = 1;
        } else if (pre instanceof CnnToFeedForwardPreProcessor flat && (flat.getFormat() == CNN2DFormat.NCHW
                || flat.getInputHeight() * flat.getInputWidth() == 1)) {
            features = flat.getInputHeight() * flat.getInputWidth(); // NHWC keeps channels contiguous only at 1×1
        } else {
            features = 1;
            flattenProblem = "the input preprocessor " + pre.getClass().getSimpleName() + " of " + consumer.describe()
                    + " does not keep channels contiguous (only an NCHW CnnToFeedForwardPreProcessor, or an NHWC one over a 1×1 map, is supported)";
        }
        if (flattenProblem != null) {
            return blocked(consumer, List.of(), consumer, features, flattenProblem);
        }

        List<Node> carriers = new ArrayList<>();
        Node current = graph.node(consumer.inputs().get(0));
        while (true) {
            switch (current.kind()) {
                case INPUT:
                    return new ChannelPath(consumer, carriers, current, ChannelPath.SourceKind.NETWORK_INPUT, features, null);
                case ELEMENTWISE:
                    return new ChannelPath(consumer, carriers, current, ChannelPath.SourceKind.ELEMENTWISE, features, null);
                case MERGE:
                    return new ChannelPath(consumer, carriers, current, ChannelPath.SourceKind.MERGE, features, null);
                case CONV:
                case DENSE:
                case EMBEDDING:
                case LSTM: {
                    String problem = activationProblem(current, ((BaseLayer) current.layer()).getActivationFn());
                    if (problem != null) {
                        return blocked(consumer, carriers, current, features, problem);
                    }
                    return new ChannelPath(consumer, carriers, current, ChannelPath.SourceKind.PRODUCER, features, null);
                }
                default: {
                    String problem = carrierProblem(current);
                    if (problem != null) {
                        return blocked(consumer, carriers, current, features, problem);
                    }
                    carriers.add(current);
                    current = graph.node(current.inputs().get(0));
                }
            }
        }
    }

    /**
     * @return null when {@code node} carries channels one to one (output channel {@code c} depends on input channel
     * {@code c} alone), otherwise the reason it does not
     */
    public static String carrierProblem(Node node) {
        if (node.inputs().size() != 1) {
            return node.describe() + " has " + node.inputs().size() + " inputs";
        }
        if (node.preProcessor() != null) {
            return node.describe() + " has an input preprocessor (" + node.preProcessor().getClass().getSimpleName()
                    + ") on the channel path";
        }
        switch (node.kind()) {
            case BATCH_NORM, POOLING, GLOBAL_POOLING, DROPOUT, ZERO_PADDING, CROPPING:
                return null;
            case ACTIVATION:
                return activationProblem(node, ((ActivationLayer) node.layer()).getActivationFn());
            case DEPTHWISE_CONV: {
                int multiplier = ((DepthwiseConvolution2D) node.layer()).getDepthMultiplier();
                String a = activationProblem(node, ((BaseLayer) node.layer()).getActivationFn());
                if (a != null) return a;
                return multiplier == 1 ? null : node.describe() + " has depth multiplier " + multiplier
                        + "; only multiplier 1 carries channels one to one";
            }
            default:
                return node.describe() + " does not carry channels one to one";
        }
    }

    private static String activationProblem(Node node, IActivation fn) {
        if (fn instanceof ActivationSoftmax || fn instanceof ActivationPReLU) {
            return node.describe() + " applies " + fn + ", which mixes or parameterizes channels";
        }
        return null;
    }

    private static ChannelPath blocked(Node consumer, List<Node> carriers, Node at, long features, String why) {
        return new ChannelPath(consumer, carriers, at, ChannelPath.SourceKind.BLOCKED, features, why);
    }
}
