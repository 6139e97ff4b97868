package org.ocs4j.rewrite;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Arrays;

/**
 * A ComputationGraph vertex that appends copies of some input channels after all the input's channels, on the
 * channel axis of either layout ({@code [N, C, H, W]} or {@code [N, H, W, C]}, and {@code [N, C]}). ocs4j inserts it
 * before a channels-last (NHWC) layer whose input channels are split but cannot be widened at their producer:
 * DL4J's own {@code SubsetVertex} only slices NCHW. Loading a model that contains it needs ocs4j on the class path.
 */
public class ChannelDuplicationVertex extends GraphVertex {

    private int[] sources;
    private boolean channelsLast;

    /**
     * @param sources      the input channel copied to each appended channel, in order
     * @param channelsLast true for NHWC activations, false for NCHW (and for 2-D input, where it does not matter)
     */
    public ChannelDuplicationVertex(@JsonProperty("sources") int[] sources,
                                    @JsonProperty("channelsLast") boolean channelsLast) {
        if (sources == null || sources.length == 0) {
            throw new IllegalArgumentException("a duplication vertex needs at least one source channel");
        }
        this.sources = sources.clone();
        this.channelsLast = channelsLast;
    }

    /** @return the input channel copied to each appended channel */
    public int[] getSources() {
        return sources.clone();
    }

    /** @return true for NHWC activations */
    public boolean isChannelsLast() {
        return channelsLast;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelDuplicationVertex v && v.channelsLast == channelsLast
                && Arrays.equals(v.sources, sources);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(sources) + (channelsLast ? 1 : 0);
    }

    @Override
    public String toString() {
        return "ChannelDuplicationVertex(sources=" + Arrays.toString(sources) + ", channelsLast=" + channelsLast + ")";
    }

    @Override
    public ChannelDuplicationVertex clone() {
        return new ChannelDuplicationVertex(sources, channelsLast);
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 1;
    }

    @Override
    public int maxVertexInputs() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new ChannelDuplicationVertexImpl(graph, name, idx, sources, channelsLast, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 1) {
            throw new InvalidInputTypeException("a duplication vertex takes one input, got " + Arrays.toString(vertexInputs));
        }
        InputType in = vertexInputs[0];
        long channels = switch (in.getType()) {
            case FF -> ((InputType.InputTypeFeedForward) in).getSize();
            case CNN -> ((InputType.InputTypeConvolutional) in).getChannels();
            default -> throw new InvalidInputTypeException("a duplication vertex takes feed-forward or CNN input, got " + in);
        };
        for (int s : sources) {
            if (s < 0 || s >= channels) {
                throw new InvalidInputTypeException("source channel " + s + " outside 0.." + (channels - 1));
            }
        }
        if (in.getType() == InputType.Type.FF) {
            return InputType.feedForward(channels + sources.length);
        }
        InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) in;
        return InputType.convolutional(c.getHeight(), c.getWidth(), channels + sources.length, c.getFormat());
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        return new LayerMemoryReport.Builder(null, ChannelDuplicationVertex.class, inputTypes[0], out)
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }
}
