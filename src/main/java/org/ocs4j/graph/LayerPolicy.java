package org.ocs4j.graph;

import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which layers OCS splits. {@link #defaults()}: every conv, dense and output layer whose input channels can be
 * duplicated (layers that cannot are skipped and reported). {@link #reference()}: the authors' protocol —
 * convolutions only, those with 3 input channels skipped, dense layers untouched. Layers named in
 * {@link #include} are split or the run fails naming them; layers in {@link #exclude} are never split.
 *
 * @param kinds                  layer kinds split (and quantized) by default
 * @param alsoQuantized          layer kinds quantized but never split (depthwise conv, embedding)
 * @param skipThreeChannelInputs skip layers with exactly 3 input channels (the RGB stem)
 * @param include                layer names, labels or DL4J class simple names that must be split
 * @param exclude                layer names, labels or DL4J class simple names never split nor quantized
 */
public record LayerPolicy(Set<NodeKind> kinds, Set<NodeKind> alsoQuantized, boolean skipThreeChannelInputs,
                          Set<String> include, Set<String> exclude) {

    /** Kinds whose weights ocs4j can quantize without splitting them. */
    public static final Set<NodeKind> QUANTIZED_ONLY = Set.of(NodeKind.DEPTHWISE_CONV, NodeKind.EMBEDDING);

    public LayerPolicy {
        kinds = Set.copyOf(kinds);
        alsoQuantized = Set.copyOf(alsoQuantized);
        for (NodeKind k : alsoQuantized) {
            if (!QUANTIZED_ONLY.contains(k)) {
                throw new IllegalArgumentException("layer kind " + k + " cannot be quantized without splitting");
            }
        }
        include = Set.copyOf(include);
        exclude = Set.copyOf(exclude);
        for (NodeKind k : kinds) {
            if (!k.hasSplittableWeights()) {
                throw new IllegalArgumentException("layer kind " + k + " has no splittable input channels");
            }
        }
        Set<String> both = include.stream().filter(exclude::contains).collect(Collectors.toSet());
        if (!both.isEmpty()) {
            throw new IllegalArgumentException("layers both included and excluded: " + both);
        }
    }

    /**
     * @return conv, dense, output, LSTM (input weights) and RNN output layers, wherever their input channels can be
     * duplicated; depthwise and embedding layers are quantized without splitting
     */
    public static LayerPolicy defaults() {
        return new LayerPolicy(EnumSet.of(NodeKind.CONV, NodeKind.DENSE, NodeKind.OUTPUT, NodeKind.LSTM,
                NodeKind.RNN_OUTPUT), QUANTIZED_ONLY, false,
                Set.of(), Set.of());
    }

    /** @return the reference protocol: convolutions only, 3-input-channel convolutions skipped */
    public static LayerPolicy reference() {
        return new LayerPolicy(EnumSet.of(NodeKind.CONV), Set.of(), true, Set.of(), Set.of());
    }

    /** @return the preset called {@code "default"} or {@code "reference"} */
    public static LayerPolicy named(String name) {
        return switch (name) {
            case "default" -> defaults();
            case "reference" -> reference();
            default -> throw new IllegalArgumentException("unknown layer policy \"" + name
                    + "\"; choose default or reference");
        };
    }

    /** @return this policy that also requires the given layers (names, labels or class simple names) */
    public LayerPolicy including(String... namesOrTypes) {
        Set<String> s = new LinkedHashSet<>(include);
        s.addAll(List.of(namesOrTypes));
        return new LayerPolicy(kinds, alsoQuantized, skipThreeChannelInputs, s, exclude);
    }

    /** @return this policy that never splits the given layers (names, labels or class simple names) */
    public LayerPolicy excluding(String... namesOrTypes) {
        Set<String> s = new LinkedHashSet<>(exclude);
        s.addAll(List.of(namesOrTypes));
        return new LayerPolicy(kinds, alsoQuantized, skipThreeChannelInputs, include, s);
    }

    /** @return true when the node was named in {@link #include}: it must be split or the run fails */
    public boolean required(Node node) {
        return matches(include, node);
    }

    /** @return why the node is not split, or null when the policy selects it */
    public String rejection(Node node) {
        if (matches(exclude, node)) {
            return "excluded by the layer policy";
        }
        if (required(node)) {
            return node.kind().hasSplittableWeights() ? null
                    : node.describe() + " has no splittable input channels (supported: ConvolutionLayer, DenseLayer, OutputLayer, LSTM, RnnOutputLayer)";
        }
        if (!kinds.contains(node.kind())) {
            return "layer kind " + node.kind() + " is not split by this policy";
        }
        if (skipThreeChannelInputs && ((FeedForwardLayer) node.layer()).getNIn() == 3) {
            return "3 input channels (skipped by the reference policy)";
        }
        return null;
    }

    /**
     * Refuses include or exclude entries that match no node of the model: a typo must not silently split (or keep)
     * the wrong layers.
     */
    public void requireKnownNames(List<Node> nodes) {
        for (Set<String> set : List.of(include, exclude)) {
            for (String name : set) {
                boolean known = nodes.stream().anyMatch(n -> matches(Set.of(name), n));
                if (!known) {
                    throw new IllegalArgumentException("the layer policy names \"" + name
                            + "\", which is no layer name or DL4J class in this model; layers are "
                            + nodes.stream().filter(n -> n.layer() != null).map(Node::label).toList());
                }
            }
        }
    }

    /** @return true when the fixed-point simulation quantizes this layer's weights */
    public boolean quantizes(Node node) {
        if (matches(exclude, node)) {
            return false;
        }
        if (node.kind().hasSplittableWeights()) {
            return rejection(node) == null;
        }
        return alsoQuantized.contains(node.kind());
    }

    private static boolean matches(Set<String> set, Node node) {
        return set.contains(node.name()) || set.contains(node.label()) || set.contains(node.typeName());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("LayerPolicy[kinds=").append(kinds.stream().sorted().toList());
        if (!alsoQuantized.isEmpty()) sb.append(", alsoQuantized=").append(alsoQuantized.stream().sorted().toList());
        if (skipThreeChannelInputs) sb.append(", skip 3-channel inputs");
        if (!include.isEmpty()) sb.append(", include=").append(include);
        if (!exclude.isEmpty()) sb.append(", exclude=").append(exclude);
        return sb.append(']').toString();
    }
}
