package org.ocs4j.graph;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.layers.Layer;

import java.util.List;

/**
 * One node of a {@link NetworkGraph}: a network input, a layer, or a parameter-free vertex.
 *
 * @param name         unique name: the vertex name in a ComputationGraph, the layer index in a MultiLayerNetwork
 * @param label        what a user calls it: the layer name where one was set, otherwise {@code name}
 * @param kind         what ocs4j knows it as
 * @param layer        the layer configuration, or null for inputs and vertices
 * @param vertex       the vertex configuration, or null for inputs and MLN layers
 * @param inputs       names of the nodes feeding it, in order
 * @param preProcessor the input preprocessor applied before it, or null
 * @param paramPrefix  prefix of its parameter keys ({@code "3_"} in an MLN, {@code "conv1_"} in a CG)
 */
public record Node(String name, String label, NodeKind kind, Layer layer, GraphVertex vertex, List<String> inputs,
                   InputPreProcessor preProcessor, String paramPrefix) {

    public Node {
        inputs = List.copyOf(inputs);
    }

    /** @return the DL4J class name of what this node is, for messages */
    public String typeName() {
        if (layer != null) return layer.getClass().getSimpleName();
        if (vertex != null) return vertex.getClass().getSimpleName();
        return "input";
    }

    /** @return {@code layer "label" (ConvolutionLayer)}, the form every error message uses */
    public String describe() {
        return (kind == NodeKind.INPUT ? "input" : "layer") + " \"" + label + "\" (" + typeName() + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
