package org.ocs4j.rewrite;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ocs4j.split.Channels;

/** The runtime side of {@link ChannelDuplicationVertex}: concatenation with a gather forward, scatter-add backward. */
final class ChannelDuplicationVertexImpl extends BaseGraphVertex {

    private final int[] sources;
    private final boolean channelsLast;
    private long inputChannels;

    ChannelDuplicationVertexImpl(ComputationGraph graph, String name, int index, int[] sources, boolean channelsLast,
                                 DataType dataType) {
        super(graph, name, index, null, null, dataType);
        this.sources = sources.clone();
        this.channelsLast = channelsLast;
    }

    private int axis(INDArray x) {
        return x.rank() == 4 && channelsLast ? 3 : 1;
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("duplication vertex " + getVertexName() + ": input not set");
        }
        INDArray x = inputs[0];
        int axis = axis(x);
        inputChannels = x.size(axis);
        INDArray copies = Channels.gather(x, axis, sources);
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, Nd4j.concat(axis, x, copies));
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("duplication vertex " + getVertexName() + ": epsilon not set");
        }
        int axis = axis(epsilon);
        INDArray grad = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon.get(range(epsilon.rank(), axis, 0,
                inputChannels)));
        for (int i = 0; i < sources.length; i++) {
            INDArray target = grad.get(range(grad.rank(), axis, sources[i], sources[i] + 1));
            target.addi(epsilon.get(range(epsilon.rank(), axis, inputChannels + i, inputChannels + i + 1)));
        }
        return new Pair<>(null, new INDArray[]{grad});
    }

    private static INDArrayIndex[] range(int rank, int axis, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        for (int d = 0; d < rank; d++) {
            idx[d] = d == axis ? NDArrayIndex.interval(from, to) : NDArrayIndex.all();
        }
        return idx;
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException("duplication vertex " + getVertexName() + " has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                           int minibatchSize) {
        return new Pair<>(maskArrays == null || maskArrays.length == 0 ? null : maskArrays[0], currentMaskState);
    }

    @Override
    public String toString() {
        return "ChannelDuplicationVertex(" + getVertexName() + ", " + sources.length + " copies)";
    }
}
