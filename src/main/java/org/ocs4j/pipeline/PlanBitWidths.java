package org.ocs4j.pipeline;

import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Networks;
import org.ocs4j.graph.Node;
import org.ocs4j.graph.NodeKind;
import org.ocs4j.quant.BitAllocation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mixed precision, before OCS is planned: measures every quantized layer's {@link LayerSensitivity} at each
 * candidate width ({@link BitAllocation#candidateWidths}: the configured weight bits − 2 to + 4) and lets
 * {@link BitAllocation} choose one width per layer under the configured weight bits as a budget of average bits per
 * weight. Grid-aware OCS halves, budgeted OCS and weight quantization then use each layer's width. Runs only when
 * the configuration asks for mixed precision; needs calibration data.
 */
final class PlanBitWidths implements Stage {

    @Override
    public String name() {
        return "plan bit widths";
    }

    @Override
    public void run(Work work) {
        OcsConfig c = work.config;
        if (!c.mixedPrecision()) {
            return;
        }
        LayerSensitivity sensitivity = new LayerSensitivity(work, "mixed precision", "give the weights one width");
        List<Node> quantized = QuantizeWeights.quantizedNodes(NetworkGraph.of(work.model), c);
        int[] widths = BitAllocation.candidateWidths(c.weightBits());
        List<BitAllocation.Layer> layers = new ArrayList<>();
        work.progress.start("measuring layer sensitivities at " + Arrays.toString(widths) + " bits",
                quantized.size() * widths.length);
        for (Node n : quantized) {
            List<String> keys = n.kind() == NodeKind.LSTM ? List.of("W", "RW") : List.of("W");
            long weights = keys.stream().mapToLong(k -> Networks.layer(work.model, n).getParam(k).length()).sum();
            double[] errors = new double[widths.length];
            for (int i = 0; i < widths.length; i++) {
                errors[i] = sensitivity.of(n, widths[i], keys);
                work.progress.step();
            }
            layers.add(new BitAllocation.Layer(n.name(), weights, errors));
        }
        work.progress.finish();
        BitAllocation.Result r = BitAllocation.allocate(layers, widths, c.weightBits());
        work.layerBits = r.bits();
        java.util.Map<String, String> labels = new java.util.HashMap<>();
        quantized.forEach(n -> labels.put(n.name(), n.label()));
        work.preparation.add("mixed precision: " + r.describe(labels::get) + "; widths " + Arrays.toString(widths)
                + " chosen by the output error with each layer alone quantized, on the first calibration batch");
    }
}
