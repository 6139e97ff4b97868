package org.ocs4j.rewrite;

import org.ocs4j.graph.LayerPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.graph.ChannelPath;
import org.ocs4j.graph.ChannelTracer;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Node;
import org.ocs4j.graph.NodeKind;
import org.ocs4j.split.ChannelSplitter;
import org.ocs4j.split.SplitOptions;
import org.ocs4j.split.SplitResult;
import org.ocs4j.progress.Progress;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, for every layer the policy selects, which input channels to split and how to duplicate them: by
 * widening the producer chain when every reader of that chain is a weight layer, otherwise (ComputationGraph only)
 * by a duplication vertex; a layer that allows neither is skipped, or is an error when the policy requires it.
 */
final class WidenPlanner {

    private final NetworkGraph graph;
    private final WidenSettings settings;
    private final GridClip gridClip;
    private final Map<String, Closure> closures = new LinkedHashMap<>();
    /** Activation OCS: per consumer, the max|a| of each input channel; null for weight OCS. */
    private final Map<String, double[]> activationMaxima;
    /** Activation OCS: producer name → the node whose output is halved. */
    private final Map<String, Node> halving = new LinkedHashMap<>();

    private WidenPlanner(NetworkGraph graph, WidenSettings settings, GridClip gridClip,
                         Map<String, double[]> activationMaxima) {
        this.graph = graph;
        this.settings = settings;
        this.gridClip = gridClip;
        this.activationMaxima = activationMaxima;
    }

    /**
     * Plans activation OCS: for each selected layer, the input channels with the largest calibrated
     * max|a| are split: the producer chain emits a duplicate of each, every copy halved at the last scaling node
     * (batch norm gamma and beta, or the producer's weights and bias), and the layer reads the duplicate with an
     * unhalved copy of its column. Needs a chain of positively homogeneous nodes after the halving point and a
     * producer read by that one layer only; other layers are skipped with the reason.
     *
     * @param maxima per layer name, the calibrated max|a| of each of its input channels
     */
    static WidenPlan planActivations(NetworkGraph graph, WidenSettings settings, Map<String, double[]> maxima,
                                     Progress progress) {
        return new WidenPlanner(graph, settings, GridClip.MAX_ABS, maxima).plan(progress);
    }

    static WidenPlan plan(NetworkGraph graph, WidenSettings settings, GridClip gridClip, Progress progress) {
        return new WidenPlanner(graph, settings, gridClip, null).plan(progress);
    }

    private WidenPlan plan(Progress progress) {
        List<WidenPlan.ConsumerSplit> splits = new ArrayList<>();
        List<SkippedLayer> skipped = new ArrayList<>();
        LayerPolicy policy = settings.policy();
        policy.requireKnownNames(graph.nodes());
        List<Node> candidates = graph.nodes().stream()
                .filter(n -> n.kind().hasSplittableWeights() || policy.required(n)).toList();
        progress.start("planning splits", candidates.size());
        for (Node node : candidates) {
            progress.step();
            WidenPlan.ConsumerSplit split = planLayer(node, skipped);
            if (split != null) splits.add(split);
        }
        progress.finish();
        return link(splits, skipped);
    }

    /** One candidate layer's split, or null (with the reason added to {@code skipped}) when it is not split. */
    private WidenPlan.ConsumerSplit planLayer(Node node, List<SkippedLayer> skipped) {
        boolean required = settings.policy().required(node);
        String rejection = settings.policy().rejection(node);
        if (rejection != null) {
            if (required) {
                throw new IllegalArgumentException(rejection);
            }
            skipped.add(new SkippedLayer(node.label(), node.typeName(), rejection));
            return null;
        }
        ChannelPath path = ChannelTracer.trace(graph, node);
        String[] problem = {realizationProblem(node, path)};
        Realization realization = realization(node, path, problem);
        if (realization == null) {
            String why = node.describe() + ": its input channels cannot be duplicated: " + problem[0];
            if (required) {
                throw new IllegalArgumentException(why);
            }
            skipped.add(new SkippedLayer(node.label(), node.typeName(), why));
            return null;
        }
        INDArray weights = graph.param(node, "W");
        try {
            ChannelSplitter.requireFinite(weights, "weights");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(node.describe() + ": its weights contain NaN or infinite values;"
                    + " fix or exclude the layer before splitting", e);
        }
        INDArray view = WeightLayout.channelView(node.kind(), weights, path.featuresPerChannel());
        int axis = WeightLayout.inputAxis(node.kind());
        int k = settings.splitCount(node.name(), view.size(axis));
        if (k == 0) {
            skipped.add(new SkippedLayer(node.label(), node.typeName(), settings.splitCounts() != null
                    ? "the split budget gives it no split" : "expand ratio 0 gives no split"));
            return null;
        }
        double[] gridAlpha = {Double.NaN};
        double[][] gridAlphas = {null};
        SplitResult result = activationMaxima != null
                ? ActivationSplits.duplicateColumns(node, activationMaxima.get(node.name()), view, axis, k)
                : split(node, view, axis, k, gridAlpha, gridAlphas);
        return new WidenPlan.ConsumerSplit(node, path, result, realization, null, gridAlpha[0], gridAlphas[0]);
    }

    /**
     * How a layer's duplicated input channels are produced, or null when they cannot be (then {@code problem[0]} says
     * why): a widened producer where its closure allows, a duplication vertex otherwise; activation OCS needs a
     * producer whose chain can be halved.
     */
    private Realization realization(Node node, ChannelPath path, String[] problem) {
        Realization realization = null;
        if (path.sourceKind() == ChannelPath.SourceKind.PRODUCER && closureOf(path.source()).problem == null) {
            realization = Realization.WIDENED_PRODUCER;
        } else if (problem[0] == null) {
            realization = Realization.DUPLICATION_VERTEX;
        }
        if (activationMaxima != null && realization != null) {
            String activationProblem = realization != Realization.WIDENED_PRODUCER
                    ? "activation OCS needs a producer layer to halve, but " + problem[0]
                    : halvingProblem(node, path);
            if (activationProblem != null) {
                problem[0] = activationProblem;
                return null;
            }
        }
        return realization;
    }

    /** Groups the widened-producer splits by producer and links every split to its group. */
    private WidenPlan link(List<WidenPlan.ConsumerSplit> splits, List<SkippedLayer> skipped) {
        Map<String, List<WidenPlan.ConsumerSplit>> members = new LinkedHashMap<>();
        for (WidenPlan.ConsumerSplit s : splits) {
            if (s.realization() == Realization.WIDENED_PRODUCER) {
                members.computeIfAbsent(s.path().source().name(), x -> new ArrayList<>()).add(s);
            }
        }
        Map<String, WidenPlan.ProducerGroup> groups = new LinkedHashMap<>();
        for (Map.Entry<String, List<WidenPlan.ConsumerSplit>> e : members.entrySet()) {
            Closure c = closures.get(e.getKey());
            List<WidenPlan.ConsumerSplit> groupMembers = new ArrayList<>();
            WidenPlan.ProducerGroup group = new WidenPlan.ProducerGroup(graph.node(e.getKey()), c.widened,
                    c.absorbers, groupMembers, halving.get(e.getKey()));
            for (WidenPlan.ConsumerSplit m : e.getValue()) {
                groupMembers.add(new WidenPlan.ConsumerSplit(m.consumer(), m.path(), m.split(), m.realization(), group,
                        m.gridAlpha(), m.gridAlphas()));
            }
            groups.put(e.getKey(), group);
        }
        List<WidenPlan.ConsumerSplit> linked = new ArrayList<>();
        for (WidenPlan.ConsumerSplit s : splits) {
            WidenPlan.ProducerGroup g = s.realization() == Realization.WIDENED_PRODUCER
                    ? groups.get(s.path().source().name()) : null;
            linked.add(g == null ? s : g.members().stream()
                    .filter(m -> m.consumer().name().equals(s.consumer().name())).findFirst().orElseThrow());
        }
        return new WidenPlan(graph, settings, linked, groups, skipped);
    }

    /**
     * Activation OCS needs: the producer's output read by this layer alone through a chain, a halving node (the
     * batch norm or depthwise conv nearest the layer, else the producer), and only positively homogeneous
     * activations and per-channel nodes between the halving node and the layer.
     *
     * @return null when possible, else why not
     */
    private String halvingProblem(Node consumer, ChannelPath path) {
        Closure c = closureOf(path.source());
        if (c.absorbers.size() != 1 || c.widened.size() != path.carriers().size() + 1) {
            return "activation OCS needs the producer " + path.source().describe() + " to feed this layer alone";
        }
        Node halvingNode = path.source();
        List<Node> after = new ArrayList<>();
        for (Node n : path.carriers()) {
            if (n.kind() == NodeKind.BATCH_NORM || n.kind() == NodeKind.DEPTHWISE_CONV) {
                halvingNode = n;
                break;
            }
            after.add(n);
        }
        after.add(halvingNode);
        String notHomogeneous = ActivationSplits.notPositivelyHomogeneous(after);
        if (notHomogeneous != null) {
            return notHomogeneous;
        }
        halving.put(path.source().name(), halvingNode);
        return null;
    }

    /**
     * Splits; for grid-aware splitting, α comes from {@link GridClip} on the plainly split weights — one per tensor,
     * or one per output channel ({@code gridAlphas[0]}) with per-channel grids.
     */
    private SplitResult split(Node node, INDArray view, int axis, int k, double[] gridAlpha, double[][] gridAlphas) {
        SplitOptions options = settings.split();
        SplitResult plain = ChannelSplitter.split(view, axis, k, options);
        if (!settings.gridAware() || plain.plan().maxAbsAfter() == 0.0) {
            return plain;
        }
        int bits = settings.gridAwareBits(node.name());
        long levels = (1L << (bits - 1)) - 1;
        if (settings.perChannelGrid()) {
            int outputAxis = node.kind() == NodeKind.CONV ? 0 : 2; // channel view: [O,I,kh,kw], [C,g,O]
            double[] alphas = gridClip.perChannel(plain.weights(), outputAxis, bits);
            double[] scales = new double[alphas.length];
            for (int o = 0; o < alphas.length; o++) {
                if (!(alphas[o] > 0) || !Double.isFinite(alphas[o])) {
                    throw new IllegalArgumentException(node.describe() + ": grid clip value " + alphas[o]
                            + " of output channel " + o + " is not finite and > 0");
                }
                scales[o] = levels / alphas[o];
            }
            gridAlphas[0] = alphas;
            gridAlpha[0] = java.util.Arrays.stream(alphas).max().orElseThrow();
            INDArray grid = Nd4j.ones(view.dataType(), view.shape());
            Nd4j.getExecutioner().exec(new BroadcastMulOp(grid,
                    Nd4j.createFromArray(scales).castTo(view.dataType()), grid, outputAxis));
            return ChannelSplitter.splitOnGrids(view, axis, k, options, grid);
        }
        double alpha = gridClip.alpha(plain.weights(), bits);
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException(node.describe() + ": grid clip value " + alpha + " is not finite and > 0");
        }
        gridAlpha[0] = alpha;
        double scale = levels / alpha;
        return ChannelSplitter.split(view, axis, k, options.withGridScale(scale));
    }

    /** @return why a duplication vertex cannot serve this consumer, or null when it can */
    private String realizationProblem(Node node, ChannelPath path) {
        if (path.sourceKind() == ChannelPath.SourceKind.BLOCKED && path.source() == node) {
            return path.blocker();
        }
        String widenProblem = switch (path.sourceKind()) {
            case PRODUCER -> closureOf(path.source()).problem;
            case NETWORK_INPUT -> "they come straight from the network input";
            case ELEMENTWISE -> "they come from " + path.source().describe() + " (a residual add)";
            case MERGE -> "they come from " + path.source().describe() + " (a concatenation)";
            case BLOCKED -> path.blocker();
        };
        if (!graph.isComputationGraph()) {
            return widenProblem + "; a MultiLayerNetwork has no way to duplicate them (convert it with"
                    + " toComputationGraph() to get a duplication vertex, or exclude the layer)";
        }
        return null;
    }

    /** The nodes widened with a producer and the weight layers that read them, or why that is impossible. */
    private static final class Closure {
        final List<Node> widened = new ArrayList<>();
        final List<Node> absorbers = new ArrayList<>();
        String problem;
    }

    private Closure closureOf(Node producer) {
        return closures.computeIfAbsent(producer.name(), name -> {
            Closure c = new Closure();
            c.widened.add(producer);
            Deque<String> pending = new ArrayDeque<>(graph.consumers(name));
            Set<String> seen = new HashSet<>();
            if (graph.isNetworkOutput(name)) {
                c.problem = producer.describe() + " is a network output";
                return c;
            }
            while (!pending.isEmpty() && c.problem == null) {
                Node n = graph.node(pending.removeFirst());
                if (!seen.add(n.name())) {
                    continue;
                }
                if (n.kind().hasSplittableWeights()) {
                    ChannelPath p = ChannelTracer.trace(graph, n);
                    if (p.sourceKind() == ChannelPath.SourceKind.BLOCKED) {
                        c.problem = p.blocker();
                    } else {
                        c.absorbers.add(n);
                    }
                    continue;
                }
                String carrier = ChannelTracer.carrierProblem(n);
                if (carrier != null) {
                    c.problem = producer.describe() + " cannot be widened: its output reaches " + carrier;
                } else if (graph.isNetworkOutput(n.name())) {
                    c.problem = producer.describe() + " cannot be widened: " + n.describe() + " is a network output";
                } else {
                    c.widened.add(n);
                    pending.addAll(graph.consumers(n.name()));
                }
            }
            return c;
        });
    }
}
