/**
 * A framework-neutral view of DL4J models: {@link org.ocs4j.graph.NetworkGraph} over MultiLayerNetwork and
 * ComputationGraph, {@link org.ocs4j.graph.GraphVisitor}, channel tracing with {@link org.ocs4j.graph.ChannelTracer},
 * and the {@link org.ocs4j.graph.LayerPolicy} that says which layers splitting and quantization touch. Knows nothing
 * of quantization.
 */
package org.ocs4j.graph;
