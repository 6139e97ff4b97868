package org.ocs4j.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.eval.PerplexityEvaluator;
import org.ocs4j.progress.Progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused-op training graph computes DL4J's LSTM language model exactly (gate order, initial state, carried state,
 * softmax), so a model trained with it is the DL4J model ocs4j quantizes; and it trains.
 */
class FusedLstmLanguageModelTest {

    private static int[] randomTokens(int n, int vocabulary, long seed) {
        java.util.Random random = new java.util.Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = random.nextInt(vocabulary);
        return t;
    }

    @Test
    void computesTheSamePerplexityAsTheDl4jNetwork() {
        MultiLayerNetwork dl4j = ReferenceModels.lstmLanguageModel(11, 5, 7, 3);
        // large random weights and biases in every gate block, so a permuted gate or a swapped state would show
        dl4j.setParams(Nd4j.rand(DataType.FLOAT, 1, dl4j.numParams()).subi(0.5).muli(3));
        FusedLstmLanguageModel fused = new FusedLstmLanguageModel(11, 5, 7, 1);
        fused.setFrom(dl4j);
        int[] tokens = randomTokens(60, 11, 5);
        double expected = PerplexityEvaluator.evaluate(dl4j, tokens, 0, 60, Progress.NONE).perplexity();
        double[] actual = fused.perplexity(tokens, 0, 7); // windows of 7: state carried 8 times
        System.out.printf("fused vs DL4J LSTM LM perplexity over 60 tokens: %.7f vs %.7f%n", actual[0], expected);
        assertEquals(60, actual[1]);
        assertEquals(expected, actual[0], 1e-5 * expected);

        MultiLayerNetwork back = fused.toDl4j(3);
        assertEquals(0, dl4j.params().sub(back.params()).amaxNumber().doubleValue(), 0.0, "toDl4j inverts setFrom");
    }

    @Test
    void learnsACycleOfTenTokens() {
        int[] stream = new int[16 * 200];
        for (int i = 0; i < stream.length; i++) stream[i] = (i * 3) % 10; // 0 3 6 9 2 5 8 1 4 7 0 …
        FusedLstmLanguageModel model = new FusedLstmLanguageModel(10, 8, 16, 7);
        var settings = new LstmTrainingSettings(16, 20, 0.9, 1e-2, 1e-2, 5.0);
        int[] held = java.util.Arrays.copyOf(stream, 300);
        double before = model.perplexity(held, 7, 50)[0];
        for (int epoch = 0; epoch < 20; epoch++) {
            model.trainEpoch(stream, settings, Progress.NONE);
        }
        double after = model.perplexity(held, 7, 50)[0];
        double dl4j = PerplexityEvaluator.evaluate(model.toDl4j(7), held, 7, 50, Progress.NONE).perplexity();
        System.out.printf("cycle of 10 tokens: perplexity %.2f before, %.4f after 20 epochs (DL4J copy %.4f)%n",
                before, after, dl4j);
        assertTrue(before > 8, "untrained model is near uniform: " + before);
        assertTrue(after < 1.5, "a deterministic cycle is learnt: " + after);
        assertEquals(after, dl4j, 1e-4 * after, "the DL4J copy scores the same");
    }

    /**
     * The hand-written backward pass (softmax output layer, dropout-free inputs, embedding scatter) composed with
     * libnd4j's lstmLayer_bp, against central differences of the loss: float32, so ε = 1e-2 and 3 % agreement on
     * coordinates whose gradient exceeds 1e-3 (float noise on the loss is ~1e-7, i.e. ~1e-3 of the differences).
     */
    @Test
    void gradientsMatchFiniteDifferences() {
        checkGradients(new FusedLstmLanguageModel(7, 3, 4, 11));
    }

    /** Tied: one matrix in both roles, its gradient the sum of both (checked the same way). */
    @Test
    void tiedEmbeddingGradientsMatchFiniteDifferencesAndTheDl4jCopyHoldsTheMatrixTwice() {
        FusedLstmLanguageModel tied = new FusedLstmLanguageModel(7, 4, 4, true, 11);
        assertTrue(tied.tied() && !tied.parameters().containsKey("Wout"));
        checkGradients(tied);
        var net = tied.toDl4j(1);
        assertEquals(net.getLayer(0).getParam("W").transpose(), net.getLayer(3).getParam("W"));
        int[] tokens = randomTokens(40, 7, 5);
        double own = tied.perplexity(tokens, 0, 13)[0];
        double dl4j = org.ocs4j.eval.PerplexityEvaluator.evaluate(net, tokens, 0, 13,
                org.ocs4j.progress.Progress.NONE).perplexity();
        assertEquals(own, dl4j, 1e-4 * own, "the DL4J copy scores the same");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new FusedLstmLanguageModel(7, 3, 4, true, 1));
        assertTrue(e.getMessage().contains("embedding width (3)"), e.getMessage());
    }

    private static void checkGradients(FusedLstmLanguageModel model) {
        model.parameters().values().forEach(p -> p.muli(5)); // away from the near-linear start
        int[] ids = randomTokens(10, 7, 1);
        int[] targets = randomTokens(10, 7, 2);
        var gradients = model.gradients(ids, targets, 5); // 2 rows × 5 steps
        java.util.Random pick = new java.util.Random(3);
        int checked = 0;
        for (var e : model.parameters().entrySet()) {
            INDArray p = e.getValue().reshape(e.getValue().length());
            INDArray g = gradients.get(e.getKey()).reshape(p.length());
            for (int k = 0; k < 10; k++) {
                long i = pick.nextInt((int) p.length());
                double old = p.getDouble(i);
                double eps = 1e-2;
                p.putScalar(i, old + eps);
                double up = model.meanLoss(ids, targets, 5);
                p.putScalar(i, old - eps);
                double down = model.meanLoss(ids, targets, 5);
                p.putScalar(i, old);
                double numeric = (up - down) / (2 * eps);
                double analytic = g.getDouble(i);
                if (Math.abs(numeric) > 1e-3) {
                    checked++;
                    assertEquals(numeric, analytic, 0.03 * Math.abs(numeric), e.getKey() + "[" + i + "]");
                }
            }
        }
        System.out.printf("fused LM backward: %d coordinates agree with central differences within 3 %%%n", checked);
        assertTrue(checked >= 20, "enough coordinates were checked: " + checked);
    }
}
