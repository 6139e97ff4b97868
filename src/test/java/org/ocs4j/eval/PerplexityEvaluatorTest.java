package org.ocs4j.eval;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;
import org.ocs4j.exec.Executor;
import org.ocs4j.progress.Progress;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Perplexity on models whose answer is known in closed form, and invariance to the window length. */
class PerplexityEvaluatorTest {

    static MultiLayerNetwork lm(int vocabulary, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).list()
                .layer(new EmbeddingSequenceLayer.Builder().nIn(vocabulary).nOut(8).outputDataFormat(RNNFormat.NCW).build())
                .layer(new LSTM.Builder().nIn(8).nOut(8).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(new LossSparseMCXENT()).nIn(8).nOut(vocabulary)
                        .activation(Activation.SOFTMAX).dataFormat(RNNFormat.NCW).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** A model whose output weights are zero: the softmax sees only the bias, a fixed unigram distribution. */
    private static MultiLayerNetwork unigram(double[] logits) {
        MultiLayerNetwork net = lm(logits.length, 1);
        net.getLayer(2).setParam("W", Nd4j.zeros(net.getLayer(2).getParam("W").shape()));
        net.getLayer(2).setParam("b", Nd4j.createFromArray(logits).castTo(net.params().dataType())
                .reshape(1, logits.length));
        return net;
    }

    @ParameterizedTest
    @EnumSource(Executor.class)
    void unigramModelGivesTheUnigramPerplexity(Executor executor) {
        double[] logits = {0.5, -1.0, 2.0, 0.0, 1.0, -0.5};
        MultiLayerNetwork net = unigram(logits);
        int[] tokens = new Random(3).ints(500, 0, logits.length).toArray();
        double z = 0;
        for (double l : logits) z += Math.exp(l);
        double nll = 0;
        for (int t : tokens) nll -= logits[t] - Math.log(z);
        double expected = Math.exp(nll / tokens.length);
        PerplexityResult r = PerplexityEvaluator.evaluate(net, tokens, 0, 35, executor, Progress.NONE);
        System.out.println("unigram, " + executor + ": " + r + ", expected " + expected);
        assertEquals(500, r.tokens(), "every token predicted");
        assertEquals(expected, r.perplexity(), 1e-4 * expected);
        assertEquals(nll, r.totalNll(), 1e-4 * nll, "total NLL");
        // window by window: 500 tokens in windows of 35 are 14 of 35 and one of 10, each with its own closed-form NLL
        assertEquals(15, r.windows().size());
        assertEquals(10, r.windows().tokens()[14]);
        assertEquals(500, r.windows().totalTokens());
        for (int w = 0; w < 15; w++) {
            double expectedWindow = 0;
            for (int i = 35 * w; i < Math.min(500, 35 * (w + 1)); i++) expectedWindow -= logits[tokens[i]] - Math.log(z);
            assertEquals(expectedWindow, r.windows().nll()[w], 1e-4 * expectedWindow, "window " + w);
        }
    }

    @Test
    void theFastExecutorScoresTokensWhoseProbabilityUnderflowsInFloat32() {
        // token 1 has probability e^-120 ≈ 7.7e-53, below float32's smallest value: the softmax gives it 0
        double[] logits = {0, -120, 0};
        MultiLayerNetwork net = unigram(logits);
        int[] tokens = {0, 1, 2, 1};
        double lnZ = Math.log(2 + Math.exp(-120));
        double nll = 4 * lnZ + 120 * 2;
        PerplexityResult r = PerplexityEvaluator.evaluate(net, tokens, 0, 3, Executor.FAST, Progress.NONE);
        System.out.printf("fast executor, two tokens at p = e^-120: total NLL %.6f, expected %.6f%n", r.totalNll(), nll);
        assertEquals(nll, r.totalNll(), 1e-5 * nll);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PerplexityEvaluator.evaluate(net, tokens, 0, 3, Executor.DL4J, Progress.NONE));
        assertTrue(e.getMessage().contains("probability 0"), e.getMessage());
    }

    @Test
    void carriedStateMakesTheWindowLengthIrrelevant() {
        MultiLayerNetwork net = lm(11, 5);
        int[] tokens = new Random(9).ints(300, 0, 11).toArray();
        double a = PerplexityEvaluator.evaluate(net, tokens, 0, 7, Progress.NONE).perplexity();
        double b = PerplexityEvaluator.evaluate(net, tokens, 0, 300, Progress.NONE).perplexity();
        assertEquals(b, a, 1e-5 * b);
        assertTrue(a > 1 && a < 100, "random model near uniform: " + a);
    }

    @Test
    void badInputIsNamed() {
        MultiLayerNetwork net = lm(5, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PerplexityEvaluator.evaluate(net, new int[]{1, 7}, 0, 5, Progress.NONE));
        assertTrue(e.getMessage().contains("token id 7"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PerplexityEvaluator.evaluate(net, new int[0], 0, 5, Progress.NONE));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PerplexityEvaluator.evaluate(net, new int[]{1, 2}, 0, 0, Progress.NONE));
        assertTrue(e.getMessage().contains("sequence length 0"), e.getMessage());
    }
}
