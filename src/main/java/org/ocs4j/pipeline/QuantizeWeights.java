package org.ocs4j.pipeline;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Networks;
import org.ocs4j.graph.Node;
import org.ocs4j.graph.NodeKind;
import org.ocs4j.quant.QuantizedLayer;
import org.ocs4j.quant.Sqnr;
import org.ocs4j.quant.WeightQuantizer;
import org.ocs4j.rewrite.LayerReport;
import org.ocs4j.rewrite.Realization;
import org.ocs4j.split.ChannelSplitter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fake-quantizes the weights ({@code W}, and {@code RW} of an LSTM) of every layer the policy selects, in a copy of
 * the FP32 model: per tensor (split layers on the grid their halves were placed on) or per output channel; an LSTM's
 * recurrent weights in folded OCS form when weights are split. Biases stay FP32. Records each layer's clip value and
 * weight SQNR — of a split layer on its effective weights in the original layout (split halves summed back) against
 * the unsplit weights, so that split and unsplit layers are measured alike.
 */
final class QuantizeWeights implements Stage {

    @Override
    public String name() {
        return "quantize weights";
    }

    @Override
    public void run(Work work) {
        Model q = Networks.copy(work.fp32);
        NetworkGraph graph = NetworkGraph.of(q);
        List<Node> quantized = quantizedNodes(graph, work.config);
        Map<String, LayerReport> splits = new HashMap<>();
        if (work.widening != null) {
            work.widening.layers().forEach(l -> splits.put(l.layer(), l));
        }
        NetworkGraph unwidened = NetworkGraph.of(work.unwidened);
        work.progress.start(name(), quantized.size());
        for (Node n : quantized) {
            work.progress.step();
            work.quantizedLayers.add(n.name());
            work.layers.put(n.name(), quantize(work, q, n, splits.get(n.label()), unwidened));
        }
        work.progress.finish();
        work.model = q;
    }

    private static QuantizedLayer quantize(Work work, Model q, Node n, LayerReport split, NetworkGraph unwidened) {
        OcsConfig c = work.config;
        int bits = work.weightBits(n.name());
        double alpha = 0;
        double signal = 0;
        double noise = 0;
        List<String> notes = new ArrayList<>();
        if (split != null) {
            notes.add("W widened: +" + split.splitChannels().length + " input channels (" + split.realization() + ")");
        }
        for (String key : n.kind() == NodeKind.LSTM ? List.of("W", "RW") : List.of("W")) {
            INDArray w = Networks.layer(q, n).getParam(key);
            INDArray original = w.dup();
            // the reference code fits clip values on the weights before splitting: only then is that copy needed
            INDArray before = c.referenceCompatible()
                    ? unwidened.find(n.name()).map(o -> unwidened.param(o, key)).orElse(null) : null;
            if ("RW".equals(key) && c.expandRatio() > 0 && !c.perChannel() && c.policy().rejection(n) == null) {
                alpha = Math.max(alpha, WeightQuantizer.folded(w, bits, c.weightClip(), c.expandRatio(),
                        c.gridAware(), c.referenceCompatible() ? (before != null ? before : w.dup()) : null));
                notes.add("RW folded: " + ChannelSplitter.splitCount(c.expandRatio(), w.size(0))
                        + " recurrent channels split, halves quantized and summed back");
            } else if (c.perChannel() && "W".equals(key) && split != null && split.gridAlphas() != null) {
                double[] alphas = gridAlphas(split, work.widening.layers(), n, w.size(outputAxis(n)));
                alpha = Math.max(alpha, WeightQuantizer.perChannel(w, outputAxis(n), alphas, bits));
            } else if (c.perChannel()) {
                alpha = Math.max(alpha, WeightQuantizer.perChannel(w, outputAxis(n), c.weightClip(), bits));
            } else {
                double a = "W".equals(key) && split != null && !Double.isNaN(split.gridAlpha()) ? split.gridAlpha()
                        : WeightQuantizer.clipAlpha(c.weightClip(), before != null ? before : w, bits);
                alpha = Math.max(alpha, WeightQuantizer.perTensor(w, bits, a));
            }
            // a split layer's error is measured on its effective weights in the original layout, against the unsplit
            // weight: the halves' errors add up where the network sees them
            boolean folded = "W".equals(key) && split != null;
            INDArray reference = !folded ? original
                    : before != null ? before : unwidened.param(unwidened.find(n.name()).orElseThrow(), key);
            INDArray effective = folded ? split.effective(n.kind(), w, reference.shape()) : w;
            signal += Sqnr.energy(reference);
            noise += Sqnr.energy(reference.sub(effective));
        }
        return new QuantizedLayer(n.label(), n.typeName(), bits, alpha, Sqnr.db(signal, noise), Double.NaN, null,
                Double.NaN, notes.isEmpty() ? null : String.join("; ", notes), Double.NaN);
    }

    /**
     * The per-output-channel clip values a split layer's halves were placed on, for all {@code outputs} channels of
     * its widened weight: when the layer is also a widened producer, its appended output channels (copies of
     * original ones; an LSTM's in each of its 4 gate blocks) take their origin's value.
     */
    private static double[] gridAlphas(LayerReport split, List<LayerReport> all, Node n, long outputs) {
        double[] alphas = split.gridAlphas();
        if (alphas.length == outputs) {
            return alphas;
        }
        int[] appended = all.stream().filter(l -> l.realization() == Realization.WIDENED_PRODUCER
                && n.label().equals(l.via())).findFirst().map(LayerReport::inputOrigins).orElseThrow(() ->
                new IllegalStateException(n.describe() + ": " + outputs + " output channels but " + alphas.length
                        + " grid clip values, and it is no widened producer"));
        int blocks = n.kind() == NodeKind.LSTM ? 4 : 1;
        int original = alphas.length / blocks;
        int wide = original + appended.length;
        double[] out = new double[blocks * wide];
        for (int g = 0; g < blocks; g++) {
            for (int u = 0; u < wide; u++) {
                out[g * wide + u] = alphas[g * original + (u < original ? u : appended[u - original])];
            }
        }
        return out;
    }

    /**
     * @return the nodes of {@code graph} whose weights {@code c}'s policy quantizes, in topological order
     * @throws IllegalArgumentException when the policy selects none
     */
    static List<Node> quantizedNodes(NetworkGraph graph, OcsConfig c) {
        List<Node> quantized = graph.nodes().stream().filter(c.policy()::quantizes).toList();
        if (quantized.isEmpty()) {
            throw new IllegalArgumentException("the layer policy " + c.policy() + " selects no layer to quantize");
        }
        return quantized;
    }

    /** Output-channel axis of a weight for per-channel scales. */
    static int outputAxis(Node n) {
        return switch (n.kind()) {
            case CONV -> 0;
            case DEPTHWISE_CONV -> 2;
            default -> 1;
        };
    }
}
