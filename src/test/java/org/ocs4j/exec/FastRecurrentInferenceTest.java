package org.ocs4j.exec;

import org.ocs4j.testing.Quantize;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.data.BpttIterator;
import org.ocs4j.eval.PerplexityEvaluator;
import org.ocs4j.progress.Progress;
import org.ocs4j.train.ReferenceModels;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FastRecurrentInference} (LSTMs as the fused libnd4j op) gives DL4J's {@code rnnTimeStep} results, with the
 * state carried across calls, on a language model, its OCS-widened version and its simulated fixed-point versions.
 */
class FastRecurrentInferenceTest {

    private static final int VOCAB = 40;

    private static MultiLayerNetwork lm() {
        MultiLayerNetwork net = ReferenceModels.lstmLanguageModel(VOCAB, 12, 20, 5);
        net.setParams(Nd4j.rand(DataType.FLOAT, 1, net.numParams()).subi(0.5).muli(2)); // every gate block busy
        return net;
    }

    private static INDArray tokens(int batch, int steps, long seed) {
        return org.ocs4j.TestNets.tokenWindows(batch, steps, VOCAB, seed);
    }

    /** @return the largest |Δ| over three consecutive windows, relative to the largest |y| */
    private static double compare(MultiLayerNetwork net) {
        return compare(net, true);
    }

    private static double compare(MultiLayerNetwork net, boolean carryState) {
        net.rnnClearPreviousState();
        FastRecurrentInference fast = new FastRecurrentInference(net);
        double worst = 0;
        for (int w = 0; w < 3; w++) {
            if (!carryState) {
                fast.clearState();
            }
            INDArray x = tokens(3, 9 + w, 10 + w);
            INDArray expected = net.rnnTimeStep(x);
            INDArray actual = fast.timeStep(x);
            assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()));
            worst = Math.max(worst, expected.sub(actual).amaxNumber().doubleValue()
                    / expected.amaxNumber().doubleValue());
        }
        net.rnnClearPreviousState();
        return worst;
    }

    @Test
    void givesRnnTimeStepResultsWithStateCarried() {
        MultiLayerNetwork net = lm();
        INDArray before = net.params().dup();
        double rel = compare(net);
        System.out.printf("fast vs rnnTimeStep, LSTM LM, 3 windows: max relative difference %.3g%n", rel);
        assertTrue(rel <= 1e-5, "within 1e-5 relative: " + rel);
        assertEquals(before, net.params(), "the model is not modified");
        double forgetful = compare(net, false);
        System.out.printf("control: the fast path with its state cleared between windows differs by %.3g%n",
                forgetful);
        assertTrue(forgetful > 1e-2, "the comparison sees the carried state: " + forgetful);

        int[] stream = new Random(2).ints(500, 0, VOCAB).toArray();
        double dl4j = PerplexityEvaluator.evaluate(net, stream, 0, 35, Executor.DL4J, Progress.NONE).perplexity();
        double fast = PerplexityEvaluator.evaluate(net, stream, 0, 35, Executor.FAST, Progress.NONE).perplexity();
        System.out.printf("perplexity over 500 tokens: DL4J %.7f, fast %.7f%n", dl4j, fast);
        assertEquals(dl4j, fast, 1e-5 * dl4j);
    }

    @Test
    void widenedAndQuantizedModelsToo() {
        MultiLayerNetwork net = lm();
        int[] stream = new Random(3).ints(4 * 60 + 1, 0, VOCAB).toArray();
        // W4, OCS r = 0.1 (LSTM units and embedding columns duplicated), weights only
        var weightsOnly = Quantize.bits(4, 0).weightClip(org.ocs4j.quant.ClipMethod.MSE).expandRatio(0.1)
                .calibrationBatches(2);
        MultiLayerNetwork w4 = (MultiLayerNetwork) Quantize.run(net, weightsOnly, null)
                .model();
        double rel = compare(w4);
        System.out.printf("fast vs rnnTimeStep, W4 + OCS LSTM LM: max relative difference %.3g%n", rel);
        assertTrue(rel <= 1e-5, "within 1e-5 relative: " + rel);

        // W4A8: fake-quant layers at the LSTM and output-layer inputs, calibrated on two windows
        var w4a8 = Quantize.bits(4, 8).weightClip(org.ocs4j.quant.ClipMethod.MSE).expandRatio(0.1)
                .calibrationBatches(2);
        MultiLayerNetwork q = (MultiLayerNetwork) Quantize.run(net, w4a8, new BpttIterator(stream, 4, 30)).model();
        double relQ = compare(q);
        int[] eval = new Random(4).ints(500, 0, VOCAB).toArray();
        double dl4j = PerplexityEvaluator.evaluate(q, eval, 0, 35, Executor.DL4J, Progress.NONE).perplexity();
        double fast = PerplexityEvaluator.evaluate(q, eval, 0, 35, Executor.FAST, Progress.NONE).perplexity();
        System.out.printf("W4A8 + OCS: max relative difference %.3g; perplexity DL4J %.7f, fast %.7f%n", relQ, dl4j,
                fast);
        assertTrue(relQ <= 1e-5, "within 1e-5 relative: " + relQ);
        assertEquals(dl4j, fast, 1e-5 * dl4j);
    }

    /**
     * {@link FastInference} (what calibration and per-layer output errors run on) computes LSTMs through the fused op
     * from a zero state, as DL4J's {@code output()}: end to end and layer by layer (each layer given DL4J's own
     * input), within 1e-5 of max|y|, on the plain and the W4A8 + OCS language model.
     */
    @Test
    void fastInferenceComputesLstmsLikeOutput() {
        MultiLayerNetwork net = lm();
        int[] stream = new Random(3).ints(4 * 60 + 1, 0, VOCAB).toArray();
        var w4a8 = Quantize.bits(4, 8).weightClip(org.ocs4j.quant.ClipMethod.MSE).expandRatio(0.1)
                .calibrationBatches(2);
        MultiLayerNetwork q = (MultiLayerNetwork) Quantize.run(net, w4a8, new BpttIterator(stream, 4, 30)).model();
        INDArray x = tokens(3, 25, 11);
        for (MultiLayerNetwork m : new MultiLayerNetwork[]{net, q}) {
            INDArray fast = FastInference.output(m, x);
            INDArray expected = m.output(x);
            double rel = expected.sub(fast).amaxNumber().doubleValue() / expected.amaxNumber().doubleValue();
            System.out.printf("FastInference vs output(), %s LSTM LM: max relative difference %.3g%n",
                    m == net ? "FP32" : "W4A8 + OCS", rel);
            assertTrue(rel <= 1e-5, "within 1e-5 relative: " + rel);
            FastInferenceTest.checkLayerByLayer(m == net ? "LSTM LM" : "LSTM LM W4A8 + OCS", m, x);
        }
    }

    @Test
    void refusesOtherRecurrentLayersNamingThem() {
        MultiLayerNetwork graves = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new GravesLSTM.Builder().nIn(3).nOut(4).build())
                .layer(new RnnOutputLayer.Builder().nIn(4).nOut(2).activation(Activation.SOFTMAX).build()).build());
        graves.init();
        var e = assertThrows(IllegalArgumentException.class, () -> new FastRecurrentInference(graves));
        assertTrue(e.getMessage().contains("layer 0") && e.getMessage().contains("GravesLSTM")
                && e.getMessage().contains("--executor dl4j"), e.getMessage());
    }
}
