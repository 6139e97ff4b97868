package org.ocs4j.rewrite;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Networks;
import org.ocs4j.graph.Node;
import org.ocs4j.progress.Progress;
import org.ocs4j.split.Channels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the widened model of a {@link WidenPlan}: clones the configuration, grows {@code nIn}/{@code nOut} and
 * flatten preprocessors, inserts duplication vertices, initializes a new network of the same DL4J type and copies
 * every parameter into it, duplicated or split as planned. The original model is only read.
 */
final class ModelRebuilder {

    private final WidenPlan plan;
    private final NetworkGraph graph;
    /** Node name → producer-channel indices appended to its output (producers and carriers). */
    private final Map<String, int[]> appendedOutputs = new HashMap<>();
    /** Absorber name → its group. */
    private final Map<String, WidenPlan.ProducerGroup> absorberGroups = new HashMap<>();
    /** Consumer name → its split. */
    private final Map<String, WidenPlan.ConsumerSplit> splits = new HashMap<>();
    /** Activation OCS: halving node name → per output channel (widened) factor {@code 2^-depth}. */
    private final Map<String, double[]> halvingFactors = new HashMap<>();
    /** Duplication-vertex consumer name → inserted merge vertex name. */
    private final Map<String, String> mergeVertices = new HashMap<>();

    private ModelRebuilder(WidenPlan plan) {
        this.plan = plan;
        this.graph = plan.graph();
        for (WidenPlan.ProducerGroup g : plan.groups().values()) {
            int[] appended = g.appended();
            for (Node n : g.widened()) {
                appendedOutputs.put(n.name(), appended);
            }
            for (Node a : g.absorbers()) {
                absorberGroups.put(a.name(), g);
            }
            if (g.halving() != null) {
                // Activation OCS groups have one member: its plan's depths give each copy's halving count.
                int[] depth = g.members().get(0).split().plan().depths();
                double[] factors = new double[depth.length];
                for (int c = 0; c < depth.length; c++) {
                    factors[c] = Math.scalb(1.0, -depth[c]);
                }
                halvingFactors.put(g.halving().name(), factors);
            }
        }
        for (WidenPlan.ConsumerSplit s : plan.splits()) {
            splits.put(s.consumer().name(), s);
        }
    }

    /** @return the widened model and the merge vertex name of every duplication-vertex consumer */
    static Rebuilt rebuild(WidenPlan plan, Progress progress) {
        ModelRebuilder r = new ModelRebuilder(plan);
        Model model = r.graph.isComputationGraph() ? r.rebuildGraph() : r.rebuildMultiLayer();
        r.copyParameters(model, progress);
        return new Rebuilt(model, Map.copyOf(r.mergeVertices));
    }

    record Rebuilt(Model model, Map<String, String> mergeVertices) {
    }

    private Model rebuildMultiLayer() {
        MultiLayerConfiguration conf = ((MultiLayerNetwork) graph.model()).getLayerWiseConfigurations().clone();
        for (Node n : graph.nodes()) {
            if (n.layer() == null) continue;
            int i = Integer.parseInt(n.name());
            InputPreProcessor pre = resize(n, conf.getConf(i).getLayer(), conf.getInputPreProcess(i));
            if (pre != null) {
                conf.getInputPreProcessors().put(i, pre);
            }
        }
        return Networks.withZeroParameters(conf);
    }

    private Model rebuildGraph() {
        ComputationGraphConfiguration conf = ((ComputationGraph) graph.model()).getConfiguration().clone();
        for (Node n : graph.nodes()) {
            if (n.layer() == null) continue;
            LayerVertex lv = (LayerVertex) conf.getVertices().get(n.name());
            InputPreProcessor pre = resize(n, lv.getLayerConf().getLayer(), lv.getPreProcessor());
            if (pre != null) {
                lv.setPreProcessor(pre);
            }
        }
        for (WidenPlan.ConsumerSplit s : plan.splits()) {
            if (s.realization() == Realization.DUPLICATION_VERTEX) {
                insertDuplication(conf, s);
            }
        }
        conf.validate(false, false);
        return Networks.withZeroParameters(conf);
    }

    private void insertDuplication(ComputationGraphConfiguration conf, WidenPlan.ConsumerSplit s) {
        String consumer = s.consumer().name();
        String source = s.consumer().inputs().get(0);
        int[] origin = s.split().plan().origin();
        if (s.consumer().layer() instanceof ConvolutionLayer conv && conv.getCnn2dDataFormat() == CNN2DFormat.NHWC) {
            // DL4J's SubsetVertex slices NCHW only: one ocs4j vertex gathers the channels on the last axis.
            String name = Networks.freshName(conf, consumer + "-ocs-dup");
            conf.getVertices().put(name, new ChannelDuplicationVertex(origin, true));
            conf.getVertexInputs().put(name, new ArrayList<>(List.of(source)));
            conf.getVertexInputs().put(consumer, new ArrayList<>(List.of(name)));
            mergeVertices.put(consumer, name);
            return;
        }
        List<String> mergeInputs = new ArrayList<>();
        mergeInputs.add(source);
        for (int i = 0; i < origin.length; i++) {
            String name = Networks.freshName(conf, consumer + "-ocs-dup" + i);
            conf.getVertices().put(name, new SubsetVertex(origin[i], origin[i]));
            conf.getVertexInputs().put(name, new ArrayList<>(List.of(source)));
            mergeInputs.add(name);
        }
        String merge = Networks.freshName(conf, consumer + "-ocs-merge");
        conf.getVertices().put(merge, new MergeVertex());
        conf.getVertexInputs().put(merge, mergeInputs);
        conf.getVertexInputs().put(consumer, new ArrayList<>(List.of(merge)));
        mergeVertices.put(consumer, merge);
    }


    /**
     * Grows the layer's channel counts as planned.
     *
     * @return the resized preprocessor, or null when it is unchanged
     */
    private InputPreProcessor resize(Node n, Layer layer, InputPreProcessor pre) {
        long extraInputChannels = extraInputChannels(n);
        int[] appended = appendedOutputs.get(n.name());
        long extraOutputs = appended == null ? 0 : appended.length;
        if (layer instanceof FeedForwardLayer ff) {
            if (n.kind().hasSplittableWeights()) {
                long features = n.preProcessor() instanceof CnnToFeedForwardPreProcessor f
                        ? f.getInputHeight() * f.getInputWidth() : 1;
                ff.setNIn(ff.getNIn() + extraInputChannels * features);
            } else if (extraOutputs > 0 && ff.getNIn() > 0 && n.kind() != org.ocs4j.graph.NodeKind.EMBEDDING) {
                // A per-channel layer (batch norm, depthwise conv with multiplier 1, dropout) grows on both sides.
                ff.setNIn(ff.getNIn() + extraOutputs);
            }
            if (extraOutputs > 0 && ff.getNOut() > 0) {
                ff.setNOut(ff.getNOut() + extraOutputs);
            }
        }
        if (extraInputChannels > 0 && pre instanceof CnnToFeedForwardPreProcessor f) {
            return new CnnToFeedForwardPreProcessor(f.getInputHeight(), f.getInputWidth(),
                    f.getNumChannels() + extraInputChannels, f.getFormat());
        }
        return null;
    }

    /** @return input channels added in front of a weight layer (as absorber or through its own vertex) */
    private long extraInputChannels(Node n) {
        WidenPlan.ProducerGroup g = absorberGroups.get(n.name());
        if (g != null) {
            return g.appended().length;
        }
        WidenPlan.ConsumerSplit s = splits.get(n.name());
        return s == null ? 0 : s.split().plan().splitCount();
    }

    private void copyParameters(Model target, Progress progress) {
        int copied = 0;
        List<Node> withParams = graph.nodes().stream().filter(n -> !graph.paramKeys(n).isEmpty()).toList();
        progress.start("copying parameters", withParams.size());
        for (Node n : withParams) {
            progress.step();
            for (String key : graph.paramKeys(n)) {
                INDArray value = newValue(n, key);
                INDArray dest = paramView(target, n, key);
                if (!Arrays.equals(dest.shape(), value.shape())) {
                    throw new IllegalStateException("internal error widening " + n.describe() + ": parameter " + key
                            + " has shape " + Arrays.toString(value.shape()) + " but the widened layer expects "
                            + Arrays.toString(dest.shape()));
                }
                dest.assign(value);
                copied++;
            }
        }
        progress.finish();
        int expected = target.paramTable().size();
        if (copied != expected) {
            throw new IllegalStateException("internal error: copied " + copied + " parameters into a widened model that has "
                    + expected);
        }
    }

    private INDArray newValue(Node n, String key) {
        INDArray value = graph.param(n, key);
        if ("W".equals(key) && n.kind().hasSplittableWeights()) {
            value = inputWidened(n, value);
        }
        int[] appended = appendedOutputs.get(n.name());
        if (appended != null && n.kind() == org.ocs4j.graph.NodeKind.LSTM) {
            return WeightLayout.lstmUnitsAppended(key, value, appended);
        }
        if (appended != null) {
            int axis = WeightLayout.outputAxis(n, key, value);
            value = Channels.gather(value, axis, Channels.identityThen((int) value.size(axis), appended));
            double[] factors = halvingFactors.get(n.name());
            if (factors != null && halves(n, key)) {
                INDArray f = Nd4j.createFromArray(factors).castTo(value.dataType());
                value = value.dup();
                Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp(value, f, value,
                        axis));
            }
        }
        return value;
    }

    /** Which parameters scale a node's output: gamma and beta of a batch norm, weights and bias otherwise. */
    private static boolean halves(Node n, String key) {
        return n.kind() == org.ocs4j.graph.NodeKind.BATCH_NORM ? key.equals("gamma") || key.equals("beta")
                : key.equals("W") || key.equals("b");
    }

    /** The weight with its input channels as planned: own split columns, and zero columns for other consumers'. */
    private INDArray inputWidened(Node n, INDArray weights) {
        WidenPlan.ConsumerSplit own = splits.get(n.name());
        WidenPlan.ProducerGroup group = absorberGroups.get(n.name());
        if (own == null && group == null) {
            return weights;
        }
        int axis = WeightLayout.inputAxis(n.kind());
        long features = own != null ? own.path().featuresPerChannel()
                : n.preProcessor() instanceof CnnToFeedForwardPreProcessor f ? f.getInputHeight() * f.getInputWidth() : 1;
        INDArray view = own != null ? own.split().weights() : WeightLayout.channelView(n.kind(), weights, features);
        if (group != null) {
            int channels = own != null ? own.split().plan().originalChannels()
                    : (int) (view.size(axis));
            int total = group.appended().length;
            int offset = own != null ? group.offsetOf(n) : -1;
            int ownCount = own != null ? own.split().plan().splitCount() : 0;
            int[] index = new int[channels + total];
            for (int i = 0; i < channels; i++) {
                index[i] = i;
            }
            for (int q = 0; q < total; q++) {
                boolean mine = offset >= 0 && q >= offset && q < offset + ownCount;
                index[channels + q] = mine ? channels + (q - offset) : Channels.ZERO;
            }
            view = Channels.gather(view, axis, index);
        }
        return WeightLayout.fromChannelView(n.kind(), view);
    }

    private static INDArray paramView(Model model, Node n, String key) {
        INDArray view = Networks.layer(model, n).paramTable().get(key);
        if (view == null) {
            throw new IllegalStateException("internal error: widened " + n.describe() + " has no parameter " + key);
        }
        return view;
    }
}
