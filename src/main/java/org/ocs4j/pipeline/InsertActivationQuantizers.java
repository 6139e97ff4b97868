package org.ocs4j.pipeline;

import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.NodeKind;
import org.ocs4j.quant.FakeQuantActivation;
import org.ocs4j.rewrite.QuantizerInsertion;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Inserts an activation quantizer ({@link FakeQuantActivation}, not yet calibrated) at the input of every quantized
 * layer but embeddings, whose input is token indices. Runs only when activations are quantized; {@link Calibrate}
 * gives the quantizers their clip values.
 */
final class InsertActivationQuantizers implements Stage {

    @Override
    public String name() {
        return "insert activation quantizers";
    }

    @Override
    public void run(Work work) {
        if (!work.config.quantizesActivations()) {
            return;
        }
        NetworkGraph graph = NetworkGraph.of(work.model);
        Map<String, FakeQuantActivation> placeholders = new LinkedHashMap<>();
        for (String name : work.quantizedLayers) {
            if (graph.node(name).kind() != NodeKind.EMBEDDING) {
                placeholders.put(name, FakeQuantActivation.uncalibrated(work.config.activationBits()));
            }
        }
        QuantizerInsertion.Inserted inserted = QuantizerInsertion.insert(work.model, placeholders);
        work.model = inserted.model();
        work.quantizers.putAll(inserted.quantizers());
        work.quantizedLayers.forEach(n -> work.renamed.put(n, inserted.nameOf(n)));
    }
}
