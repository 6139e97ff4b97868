package org.ocs4j.rewrite;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.graph.Node;
import org.ocs4j.graph.NodeKind;

/**
 * DL4J's parameter layouts, as channel axes: which axis of which parameter holds input channels and output
 * channels (DL4J-NOTES: conv {@code W [nOut, nIn, kH, kW]}, dense {@code W [nIn, nOut]} in 'f' order, depthwise
 * {@code W [kH, kW, nIn, multiplier]}, biases and batch-norm vectors {@code [n]} or {@code [1, n]}).
 */
final class WeightLayout {

    private WeightLayout() {
    }

    /**
     * The weight with input channels on {@link #inputAxis}: conv unchanged, dense {@code [C·g, nOut]} as
     * {@code [C, g, nOut]} (a c-order copy, so channel {@code c} owns rows {@code c·g .. c·g+g-1}).
     */
    static INDArray channelView(NodeKind kind, INDArray w, long featuresPerChannel) {
        return switch (kind) {
            case CONV -> w;
            case DENSE, OUTPUT -> w.dup('c').reshape('c', w.size(0) / featuresPerChannel, featuresPerChannel, w.size(1));
            default -> throw new IllegalArgumentException("no input-channel layout for " + kind);
        };
    }

    /** Inverse of {@link #channelView}. */
    static INDArray fromChannelView(NodeKind kind, INDArray view) {
        return switch (kind) {
            case CONV -> view;
            case DENSE, OUTPUT -> view.dup('c').reshape('c', view.size(0) * view.size(1), view.size(2));
            default -> throw new IllegalArgumentException("no input-channel layout for " + kind);
        };
    }

    static int inputAxis(NodeKind kind) {
        return kind == NodeKind.CONV ? 1 : 0;
    }

    /** @return the output-channel axis of parameter {@code key} of {@code node} */
    static int outputAxis(Node node, String key, INDArray param) {
        NodeKind kind = node.kind();
        boolean weight = "W".equals(key);
        switch (kind) {
            case CONV:
                if (weight) return 0;
                break;
            case DENSE:
                if (weight) return 1;
                break;
            case DEPTHWISE_CONV:
                if (weight) return 2;
                break;
            case BATCH_NORM:
                return param.rank() - 1;
            default:
                throw new IllegalArgumentException(node.describe() + " has parameters but no known output-channel layout");
        }
        if ("b".equals(key)) {
            return param.rank() - 1;
        }
        throw new IllegalArgumentException(node.describe() + " has a parameter \"" + key
                + "\" whose channel layout ocs4j does not know; it cannot be widened");
    }
}
