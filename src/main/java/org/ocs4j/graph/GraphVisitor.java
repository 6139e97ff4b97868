package org.ocs4j.graph;

/**
 * Visits the nodes of a {@link NetworkGraph} in topological order, one method per family of node kinds. Every
 * family but {@link #visitOther} has a no-op default; {@link #visitOther} has none, so each visitor decides
 * explicitly what an unknown layer means to it (pass it through, or fail naming the layer).
 */
public interface GraphVisitor {

    /** Dispatches on {@link Node#kind()}. */
    default void visit(Node node, NetworkGraph graph) {
        switch (node.kind()) {
            case INPUT -> visitInput(node, graph);
            case CONV, DEPTHWISE_CONV, DENSE, OUTPUT, EMBEDDING, LSTM, RNN_OUTPUT -> visitWeightLayer(node, graph);
            case BATCH_NORM, ACTIVATION, POOLING, GLOBAL_POOLING, DROPOUT, ZERO_PADDING, CROPPING ->
                    visitChannelwise(node, graph);
            case ELEMENTWISE, MERGE, SUBSET -> visitVertex(node, graph);
            case OTHER -> visitOther(node, graph);
        }
    }

    /** A network input. */
    default void visitInput(Node node, NetworkGraph graph) {
    }

    /** Conv, depthwise conv, dense, output, embedding, LSTM and RNN output layers. */
    default void visitWeightLayer(Node node, NetworkGraph graph) {
    }

    /** Per-channel layers: batch norm, activation, pooling, global pooling, dropout, zero padding, cropping. */
    default void visitChannelwise(Node node, NetworkGraph graph) {
    }

    /** Element-wise, merge and subset vertices. */
    default void visitVertex(Node node, NetworkGraph graph) {
    }

    /** A layer or vertex of a kind ocs4j does not know ({@link NodeKind#OTHER}). */
    void visitOther(Node node, NetworkGraph graph);
}
