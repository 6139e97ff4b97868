package org.ocs4j.graph;

import java.util.List;

/**
 * Where the input channels of a consumer layer come from: the node that makes them and the per-channel nodes
 * they pass through on the way.
 *
 * @param consumer           the layer whose input channels are traced
 * @param carriers           per-channel nodes between source and consumer, nearest the consumer first
 * @param source             the node that makes the channels (a producer layer, a network input, a vertex), or the
 *                           node that blocks the trace
 * @param sourceKind         what {@code source} is
 * @param featuresPerChannel input features of the consumer per channel: 1, or {@code H·W} after a CNN→dense
 *                           flatten (DL4J's NCHW flatten is channel-major, so one channel is one contiguous block)
 * @param blocker            why the trace stopped, when {@code sourceKind == BLOCKED}; null otherwise
 */
public record ChannelPath(Node consumer, List<Node> carriers, Node source, SourceKind sourceKind,
                          long featuresPerChannel, String blocker) {

    public ChannelPath {
        carriers = List.copyOf(carriers);
    }

    /** What makes a consumer's input channels. */
    public enum SourceKind {
        /** A conv or dense layer whose output channels can be duplicated. */
        PRODUCER,
        /** A network input: cannot be widened, only duplicated by a vertex. */
        NETWORK_INPUT,
        /** An {@code ElementWiseVertex}: every branch would have to duplicate the channel. */
        ELEMENTWISE,
        /** A {@code MergeVertex}: appended channels would land in the middle of the concatenation. */
        MERGE,
        /** A node that does not carry channels one to one, or a layout ocs4j does not handle. */
        BLOCKED
    }
}
