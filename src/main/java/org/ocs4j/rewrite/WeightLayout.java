package org.ocs4j.rewrite;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.graph.Node;
import org.ocs4j.graph.NodeKind;

/**
 * DL4J's parameter layouts, as channel axes: which axis of which parameter holds input channels and output
 * channels (DL4J 1.0.0-M2.1 layouts: conv {@code W [nOut, nIn, kH, kW]}, dense {@code W [nIn, nOut]} in 'f' order, depthwise
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
            case DENSE, OUTPUT, LSTM, RNN_OUTPUT -> w.dup('c').reshape('c', w.size(0) / featuresPerChannel,
                    featuresPerChannel, w.size(1));
            default -> throw new IllegalArgumentException("no input-channel layout for " + kind);
        };
    }

    /** Inverse of {@link #channelView}. */
    static INDArray fromChannelView(NodeKind kind, INDArray view) {
        return switch (kind) {
            case CONV -> view;
            case DENSE, OUTPUT, LSTM, RNN_OUTPUT -> view.dup('c').reshape('c', view.size(0) * view.size(1),
                    view.size(2));
            default -> throw new IllegalArgumentException("no input-channel layout for " + kind);
        };
    }

    /**
     * An LSTM producer's output channels are its units: each unit owns one column in each of the four gate blocks
     * (DL4J order input, forget, output, modulation; {@code W [nIn, 4H]}, {@code RW [H, 4H]}, {@code b [4H]}).
     * Duplicating unit {@code j} copies its four gate columns into a new unit, whose own recurrent row of {@code RW}
     * is zero (its state, identical to unit {@code j}'s, is read through {@code j} alone), so both compute the same
     * state and output at every step.
     *
     * @param appended the original units to duplicate, in order
     */
    static INDArray lstmUnitsAppended(String key, INDArray param, int[] appended) {
        int axis = param.rank() - 1; // W, RW: [n, 4H]; b: [4H] or [1, 4H]
        int hidden = (int) (param.size(axis) / 4);
        int wide = hidden + appended.length;
        int[] columns = new int[4 * wide];
        for (int g = 0; g < 4; g++) {
            for (int u = 0; u < hidden; u++) columns[g * wide + u] = g * hidden + u;
            for (int i = 0; i < appended.length; i++) columns[g * wide + hidden + i] = g * hidden + appended[i];
        }
        INDArray out = org.ocs4j.split.Channels.gather(param, axis, columns);
        if ("RW".equals(key)) {
            out = org.ocs4j.split.Channels.gather(out, 0, org.ocs4j.split.Channels.identityThen(hidden,
                    zeros(appended.length)));
        }
        return out;
    }

    private static int[] zeros(int n) {
        int[] z = new int[n];
        java.util.Arrays.fill(z, org.ocs4j.split.Channels.ZERO);
        return z;
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
            case EMBEDDING:
                if (weight) return 1;
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
