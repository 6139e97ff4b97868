package org.ocs4j.quant;

import org.ocs4j.testing.Quantize;
import org.ocs4j.pipeline.OcsConfig;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.eval.PerplexityEvaluator;
import org.ocs4j.graph.NodeKind;
import org.ocs4j.progress.Progress;
import org.ocs4j.graph.LayerPolicy;
import org.ocs4j.rewrite.LayerReport;
import org.ocs4j.rewrite.ModelWidener;
import org.ocs4j.rewrite.Realization;
import org.ocs4j.rewrite.WidenReport;
import org.ocs4j.rewrite.WidenSettings;
import org.ocs4j.train.ReferenceModels;

import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OCS on an LSTM language model (embedding → LSTM → LSTM → RNN output): input weights widened through the producer
 * (embedding columns, LSTM units duplicated with all four gate columns), recurrent weights split in folded form.
 */
class LstmOcsTest {

    private static final int VOCAB = 40;

    private static MultiLayerNetwork lm(long seed) {
        MultiLayerNetwork net = ReferenceModels.lstmLanguageModel(VOCAB, 12, 20, seed);
        // Larger-than-init weights give the outputs some range, so a wrong duplicate would show.
        net.params().muli(3);
        return net;
    }

    private static INDArray tokens(int batch, int steps, long seed) {
        return org.ocs4j.TestNets.tokenWindows(batch, steps, VOCAB, seed);
    }

    private static double relative(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue() / a.amaxNumber().doubleValue();
    }

    @Test
    void theWidenedLanguageModelComputesTheSameProbabilities() {
        MultiLayerNetwork net = lm(5);
        INDArray before = net.params().dup();
        ModelWidener.Widened w = ModelWidener.widen(net, new WidenSettings(0.1, org.ocs4j.split.SplitOptions.PLAIN, 0, org.ocs4j.graph.LayerPolicy.defaults()), Progress.NONE);
        assertEquals(before, net.params(), "the input model is not modified");
        WidenReport report = w.report();
        System.out.println(report);
        assertEquals(3, report.layers().size(), "both LSTMs and the output layer: " + report);
        for (LayerReport l : report.layers()) {
            assertEquals(Realization.WIDENED_PRODUCER, l.realization(), l.toString());
        }
        MultiLayerNetwork wide = (MultiLayerNetwork) w.model();
        assertEquals(12 + 2, ((LSTM) wide.getLayer(1).conf().getLayer()).getNIn(), "ceil(0.1·12) embedding copies");
        assertEquals(20 + 2, ((LSTM) wide.getLayer(1).conf().getLayer()).getNOut(), "units copied for the next LSTM");
        INDArray x = tokens(4, 15, 1);
        double rel = relative(net.output(x), wide.output(x));
        System.out.printf("widened LSTM LM: max relative difference of the probabilities %.3g%n", rel);
        assertTrue(rel <= 1e-5, "widened ≡ original within 1e-5 relative: " + rel);

        int[] stream = new Random(2).ints(600, 0, VOCAB).toArray();
        double p0 = PerplexityEvaluator.evaluate(net, stream, 0, 35, Progress.NONE).perplexity();
        double p1 = PerplexityEvaluator.evaluate(wide, stream, 0, 35, Progress.NONE).perplexity();
        System.out.printf("perplexity over 600 tokens with state carried: original %.6f, widened %.6f%n", p0, p1);
        assertEquals(p0, p1, 1e-5 * p0, "the state carried across windows stays identical");
    }

    /**
     * A tied model (embedding and softmax one matrix while training, two equal arrays in the DL4J network): OCS
     * splits each role as its own layer — embedding columns duplicated for LSTM 1, LSTM 2's units duplicated for the
     * softmax's split input rows — so the widened model computes the same probabilities and is no longer tied.
     */
    @Test
    void aTiedLanguageModelWidensExactlyAndUntiesItsTwoRoles() {
        MultiLayerNetwork net = new org.ocs4j.train.FusedLstmLanguageModel(VOCAB, 16, 16, true, 4).toDl4j(4);
        net.params().muli(3);
        assertEquals(net.getLayer(0).getParam("W").transpose(), net.getLayer(3).getParam("W"), "tied");
        ModelWidener.Widened w = ModelWidener.widen(net, new WidenSettings(0.1, org.ocs4j.split.SplitOptions.PLAIN, 0,
                org.ocs4j.graph.LayerPolicy.defaults()), Progress.NONE);
        MultiLayerNetwork wide = (MultiLayerNetwork) w.model();
        assertEquals(3, w.report().layers().size(), "both LSTMs and the softmax: " + w.report());
        assertEquals(16 + 2, wide.getLayer(0).getParam("W").size(1), "two embedding columns duplicated for LSTM 1");
        assertEquals(16 + 2, wide.getLayer(3).getParam("W").size(0), "the softmax reads two more (split) rows");
        INDArray x = tokens(4, 15, 1);
        double rel = relative(net.output(x), wide.output(x));
        int[] stream = new Random(5).ints(600, 0, VOCAB).toArray();
        double p0 = PerplexityEvaluator.evaluate(net, stream, 0, 35, Progress.NONE).perplexity();
        double p1 = PerplexityEvaluator.evaluate(wide, stream, 0, 35, Progress.NONE).perplexity();
        System.out.printf("widened tied LM: max relative difference of the probabilities %.3g; perplexity %.6f vs"
                + " %.6f%n", rel, p0, p1);
        assertTrue(rel <= 1e-5, "widened ≡ original within 1e-5 relative: " + rel);
        assertEquals(p0, p1, 1e-5 * p0);
    }

    @Test
    void foldedEqualsWidenedForInputWeights() {
        MultiLayerNetwork net = lm(9);
        LayerPolicy lstmOnly = new LayerPolicy(EnumSet.of(NodeKind.LSTM), Set.of(), false, Set.of(), Set.of())
                .excluding("2");
        OcsConfig.Builder s = Quantize.bits(4, 0).expandRatio(0.1).policy(lstmOnly).calibrationBatches(1);
        // Widened: LSTM "1" reads duplicated embedding columns with split, quantized input weights.
        Quantize.Result widened = Quantize.run(net, s, null);
        QuantizedLayer q = widened.layers().get(0);
        assertNotNull(q.split());
        assertTrue(q.split().contains("W widened") && q.split().contains("RW folded"), q.split());
        // Folded: the same split of W quantized and summed back into a matrix of the original size.
        MultiLayerNetwork folded = net.clone();
        INDArray w = folded.getLayer(1).getParam("W");
        INDArray rw = folded.getLayer(1).getParam("RW");
        WeightQuantizer.folded(w, 4, Clip.NONE, 0.1, true, null);
        WeightQuantizer.folded(rw, 4, Clip.NONE, 0.1, true, null);
        INDArray x = tokens(4, 15, 3);
        double rel = relative(((MultiLayerNetwork) widened.model()).output(x), folded.output(x));
        System.out.printf("W4 LSTM input weights, widened vs folded: max relative difference %.3g%n", rel);
        assertTrue(rel <= 1e-5, "folded ≡ widened within 1e-5: " + rel);
        double changed = relative(net.output(x), folded.output(x));
        assertTrue(changed > 1e-3, "and 4-bit quantization did change the outputs: " + changed);
    }

    @Test
    void grownShapesSaveAndLoad() throws Exception {
        MultiLayerNetwork net = lm(3);
        Model wide = ModelWidener.widen(net, new WidenSettings(0.05, org.ocs4j.split.SplitOptions.PLAIN, 0, org.ocs4j.graph.LayerPolicy.defaults()), Progress.NONE)
                .model();
        java.io.File f = java.io.File.createTempFile("lstm-wide", ".zip");
        f.deleteOnExit();
        org.deeplearning4j.util.ModelSerializer.writeModel(wide, f, false);
        MultiLayerNetwork back = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(f);
        INDArray x = tokens(2, 7, 4);
        assertEquals(0.0, relative(((MultiLayerNetwork) wide).output(x), back.output(x)), 0.0);
    }

    /** Per-channel grids through LSTM producers: their appended units take the grid of their origin in each gate. */
    @Test
    void perChannelGridAwareOcsOfALanguageModelIsExactAndQuantizes() {
        MultiLayerNetwork net = lm(6);
        org.ocs4j.OcsModel<MultiLayerNetwork> q = org.ocs4j.Ocs.of(net).config(org.ocs4j.pipeline.OcsConfig.builder()
                .weightBits(5).activationBits(0).perChannel(true).expandRatio(0.1).build()).quantize();
        System.out.println(q.report().identity());
        assertTrue(q.report().identity().startsWith("exact"), q.report().identity());
        assertEquals(3, q.report().widening().layers().size(), q.report().toString());
        for (org.ocs4j.rewrite.LayerReport l : q.report().widening().layers()) {
            assertTrue(l.gridAlphas() != null, l.layer());
        }
        INDArray x = tokens(2, 12, 3);
        double err = relative(net.output(x), q.model().output(x));
        // at 16 bits only rounding remains: a channel on another channel's grid would clamp and show far above it
        org.ocs4j.OcsModel<MultiLayerNetwork> q16 = org.ocs4j.Ocs.of(net).config(q.report().config().toBuilder()
                .weightBits(16).build()).quantize();
        double err16 = relative(net.output(x), q16.model().output(x));
        System.out.printf("per-channel OCS LM: max |Δp| / max p = %.3g at W5, %.3g at W16%n", err, err16);
        assertTrue(err > 0, "quantized");
        assertTrue(err16 < 1e-3, "every channel on its own grid: " + err16);
    }
}
