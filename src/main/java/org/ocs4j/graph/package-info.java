/**
 * A framework-neutral view of DL4J models: {@link org.ocs4j.graph.NetworkGraph} over MultiLayerNetwork and
 * ComputationGraph, {@link org.ocs4j.graph.GraphVisitor}, and channel tracing with
 * {@link org.ocs4j.graph.ChannelTracer}. Knows nothing of quantization.
 */
package org.ocs4j.graph;
