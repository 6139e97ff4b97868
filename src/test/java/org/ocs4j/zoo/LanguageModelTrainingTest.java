package org.ocs4j.zoo;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.ocs4j.eval.PerplexityEvaluator;
import org.ocs4j.progress.Progress;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LSTM language model and its trainer on a deterministic token cycle (a small version of the PTB model). Stock
 * DL4J LSTMs are slow here (~1 s per 32 × 35 update even at 16 units), so the test affords only ~36 updates: enough
 * to show the trainer feeds correctly aligned targets (perplexity under the true alignment falls by more than 10 %;
 * training on misaligned targets would not lower it), not to learn the cycle completely.
 */
class LanguageModelTrainingTest {

    @Test
    void learnsACycleOfTenTokens() {
        int[] stream = new int[32 * 400 + 1];
        for (int i = 0; i < stream.length; i++) stream[i] = (i * 3) % 10; // 0 3 6 9 2 5 8 1 4 7 0 …
        MultiLayerNetwork net = ReferenceModels.lstmLanguageModel(10, 8, 16, 7);
        double before = PerplexityEvaluator.evaluate(net, java.util.Arrays.copyOf(stream, 2000), 7, 200,
                Progress.NONE).perplexity();
        ReferenceModels.trainLanguageModel(net, stream, 3, Progress.NONE, epoch -> { });
        double after = PerplexityEvaluator.evaluate(net, java.util.Arrays.copyOf(stream, 2000), 7, 200,
                Progress.NONE).perplexity();
        System.out.printf("cycle of 10 tokens: perplexity %.2f before training, %.3f after 3 epochs%n", before, after);
        assertTrue(before > 5, "untrained model is near uniform: " + before);
        assertTrue(after < 0.9 * before, "training lowers the perplexity: " + before + " → " + after);
    }
}
