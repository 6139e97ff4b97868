package org.ocs4j.pipeline;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Networks;
import org.ocs4j.graph.Node;
import org.ocs4j.rewrite.BiasCorrection;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bias correction ({@link BiasCorrection}): for every quantized conv, depthwise conv, dense and output layer, the
 * expected shift of its output caused by weight quantization, {@code (W_q − W)·E[x]} with {@code E[x]} the mean of
 * its FP32 input over the calibration batches (one pass), is subtracted from its bias. Runs after weight
 * quantization when the configuration asks for it; layers without a bias (a conv before an unfolded batch norm)
 * and other kinds are left as they are and named in the report.
 */
final class CorrectBiases implements Stage {

    @Override
    public String name() {
        return "correct biases";
    }

    @Override
    public void run(Work work) {
        if (!work.config.biasCorrection()) {
            return;
        }
        NetworkGraph graph = NetworkGraph.of(work.model);
        List<Node> layers = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String name : work.quantizedLayers) {
            Node n = graph.node(name);
            if (!BiasCorrection.corrects(n.kind())) {
                skipped.add(n.label() + " (" + n.typeName() + ")");
            } else if (Networks.layer(work.model, n).getParam("b") == null) {
                skipped.add(n.label() + " (no bias; fold batch norms to correct it)");
            } else {
                layers.add(n);
            }
        }
        List<String> inputs = layers.stream().map(n -> n.inputs().get(0)).distinct().toList();
        Calibrator calibrator = work.calibrator(name(), " or turn bias correction off");
        Map<String, INDArray> means = calibrator.means(work.fp32, inputs);
        Model scratch = Networks.copy(work.model);
        NetworkGraph fp32 = NetworkGraph.of(work.fp32);
        double shiftSum = 0;
        double maxShift = 0;
        long channels = 0;
        for (Node n : layers) {
            org.deeplearning4j.nn.api.Layer layer = Networks.layer(work.model, n);
            INDArray shift = BiasCorrection.expectedShift(scratch, n, fp32.param(fp32.node(n.name()), "W"),
                    layer.getParam("W"), means.get(n.inputs().get(0)));
            INDArray b = layer.getParam("b");
            b.subi(shift.castTo(b.dataType()).reshape(b.shape()));
            shiftSum += shift.norm1Number().doubleValue();
            channels += shift.length();
            maxShift = Math.max(maxShift, shift.amaxNumber().doubleValue());
        }
        work.preparation.add(String.format(Locale.ROOT, "bias correction: %d layers corrected on %s (%s); mean"
                + " |expected output shift| %.3g, largest %.3g, subtracted from the biases%s", layers.size(),
                work.calibrationData.description(), calibrator.used(), channels == 0 ? 0 : shiftSum / channels,
                maxShift, skipped.isEmpty() ? "" : "; not corrected: " + String.join(", ", skipped)));
    }
}
