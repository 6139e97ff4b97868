package org.ocs4j.rewrite;

import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.graph.Node;
import org.ocs4j.graph.NodeKind;
import org.ocs4j.split.ChannelSplitter;
import org.ocs4j.split.Channels;
import org.ocs4j.split.SplitPlan;
import org.ocs4j.split.SplitResult;

import java.util.List;

/**
 * The two rules of activation OCS that weight OCS does not have: which channels a layer splits (by calibrated
 * max|a|, its weight columns duplicated unhalved), and which chains can carry halved activations (only positively
 * homogeneous activations, {@code f(x/2) = f(x)/2}, after the halving point).
 */
final class ActivationSplits {

    private ActivationSplits() {
    }

    /**
     * Chooses channels greedily by calibrated max|a| (each split halves a channel's activations) and appends unhalved
     * copies of their weight columns.
     *
     * @param maxima the calibrated max|a| of each input channel of {@code node}, or null when none was measured
     */
    static SplitResult duplicateColumns(Node node, double[] maxima, INDArray view, int axis, int k) {
        if (maxima == null || maxima.length != view.size(axis)) {
            throw new IllegalArgumentException(node.describe() + ": no calibrated activation maxima for its "
                    + view.size(axis) + " input channels");
        }
        SplitPlan plan = ChannelSplitter.planHalving(Nd4j.createFromArray(maxima).reshape(maxima.length, 1), 0, k);
        INDArray columns = Channels.gather(view, axis, Channels.identityThen(plan.originalChannels(), plan.origin()));
        return new SplitResult(columns, plan);
    }

    /** @return why one of {@code nodes} cannot carry halved activations, or null when all can */
    static String notPositivelyHomogeneous(List<Node> nodes) {
        for (Node n : nodes) {
            IActivation fn = activation(n);
            if (!positivelyHomogeneous(fn)) {
                return n.describe() + " applies " + fn + ", which is not positively homogeneous (f(x/2) ≠ f(x)/2):"
                        + " activation OCS needs identity, ReLU or leaky ReLU after the halving point";
            }
        }
        return null;
    }

    /**
     * @return the activation a node applies, or null for none. DL4J's batch norm never applies its configured
     * activation (it inherits the global default, often sigmoid, and ignores it), so it counts as none.
     */
    static IActivation activation(Node n) {
        return n.kind() == NodeKind.BATCH_NORM ? null
                : n.layer() instanceof BaseLayer b ? b.getActivationFn()
                : n.layer() instanceof ActivationLayer a ? a.getActivationFn() : null;
    }

    /** @return whether {@code f(x/s) = f(x)/s} for every {@code s > 0}: none, identity, ReLU, leaky ReLU */
    static boolean positivelyHomogeneous(IActivation fn) {
        return fn == null || fn instanceof ActivationIdentity || fn instanceof ActivationReLU
                || fn instanceof ActivationLReLU;
    }
}
