package org.ocs4j.rewrite;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.graph.ChannelPath;
import org.ocs4j.graph.ChannelTracer;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Node;
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

    private WidenPlanner(NetworkGraph graph, WidenSettings settings, GridClip gridClip) {
        this.graph = graph;
        this.settings = settings;
        this.gridClip = gridClip;
    }

    static WidenPlan plan(NetworkGraph graph, WidenSettings settings, GridClip gridClip, Progress progress) {
        return new WidenPlanner(graph, settings, gridClip).plan(progress);
    }

    private WidenPlan plan(Progress progress) {
        List<WidenPlan.ConsumerSplit> splits = new ArrayList<>();
        List<SkippedLayer> skipped = new ArrayList<>();
        Map<String, List<WidenPlan.ConsumerSplit>> members = new LinkedHashMap<>();
        LayerPolicy policy = settings.policy();
        policy.requireKnownNames(graph.nodes());
        List<Node> candidates = graph.nodes().stream()
                .filter(n -> n.kind().hasSplittableWeights() || policy.required(n)).toList();
        progress.start("planning splits", candidates.size());
        for (Node node : candidates) {
            progress.step();
            boolean required = policy.required(node);
            String rejection = policy.rejection(node);
            if (rejection != null) {
                if (required) {
                    throw new IllegalArgumentException(rejection);
                }
                skipped.add(new SkippedLayer(node.label(), node.typeName(), rejection));
                continue;
            }
            ChannelPath path = ChannelTracer.trace(graph, node);
            String problem = realizationProblem(node, path);
            Realization realization = null;
            if (path.sourceKind() == ChannelPath.SourceKind.PRODUCER && closureOf(path.source()).problem == null) {
                realization = Realization.WIDENED_PRODUCER;
            } else if (problem == null) {
                realization = Realization.DUPLICATION_VERTEX;
            }
            if (realization == null) {
                String why = node.describe() + ": its input channels cannot be duplicated: " + problem;
                if (required) {
                    throw new IllegalArgumentException(why);
                }
                skipped.add(new SkippedLayer(node.label(), node.typeName(), why));
                continue;
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
            int k = ChannelSplitter.splitCount(settings.expandRatio(), view.size(axis));
            if (k == 0) {
                skipped.add(new SkippedLayer(node.label(), node.typeName(), "expand ratio 0 gives no split"));
                continue;
            }
            double[] gridAlpha = {Double.NaN};
            SplitResult result = split(node, view, axis, k, gridAlpha);
            WidenPlan.ConsumerSplit split = new WidenPlan.ConsumerSplit(node, path, result, realization, null,
                    gridAlpha[0]);
            if (realization == Realization.WIDENED_PRODUCER) {
                members.computeIfAbsent(path.source().name(), x -> new ArrayList<>()).add(split);
            }
            splits.add(split);
        }

        progress.finish();
        Map<String, WidenPlan.ProducerGroup> groups = new LinkedHashMap<>();
        for (Map.Entry<String, List<WidenPlan.ConsumerSplit>> e : members.entrySet()) {
            Closure c = closures.get(e.getKey());
            List<WidenPlan.ConsumerSplit> groupMembers = new ArrayList<>();
            WidenPlan.ProducerGroup group = new WidenPlan.ProducerGroup(graph.node(e.getKey()), c.widened,
                    c.absorbers, groupMembers);
            for (WidenPlan.ConsumerSplit m : e.getValue()) {
                groupMembers.add(new WidenPlan.ConsumerSplit(m.consumer(), m.path(), m.split(), m.realization(), group,
                        m.gridAlpha()));
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

    /** Splits; for grid-aware splitting, α comes from {@link GridClip} on the plainly split weights. */
    private SplitResult split(Node node, INDArray view, int axis, int k, double[] gridAlpha) {
        SplitOptions options = settings.split();
        SplitResult plain = ChannelSplitter.split(view, axis, k, options);
        if (!settings.gridAware() || plain.plan().maxAbsAfter() == 0.0) {
            return plain;
        }
        double alpha = gridClip.alpha(plain.weights(), settings.gridAwareBits());
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException(node.describe() + ": grid clip value " + alpha + " is not finite and > 0");
        }
        gridAlpha[0] = alpha;
        double scale = ((1L << (settings.gridAwareBits() - 1)) - 1) / alpha;
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
        if (node.layer() instanceof ConvolutionLayer conv && conv.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            return widenProblem + "; a duplication vertex needs NCHW activations but the layer is "
                    + conv.getCnn2dDataFormat() + " (exclude the layer)";
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
