package org.ocs4j.train;

/**
 * Training hyper-parameters of one pass of {@link FusedLstmLanguageModel}; the learning rate goes linearly from
 * {@code learningRate} at the first window to {@code finalLearningRate} at the last (equal for a constant rate).
 *
 * @param batch           parallel rows of the token stream
 * @param bptt            time steps per window (truncated backpropagation through time)
 * @param keepProbability dropout keep probability, in (0, 1]
 * @param learningRate    Adam's rate at the first window, > 0
 * @param finalLearningRate Adam's rate at the last window, ≥ 0
 * @param clipNorm        global gradient-norm clip
 */
public record LstmTrainingSettings(int batch, int bptt, double keepProbability, double learningRate,
                                   double finalLearningRate, double clipNorm) {
    public LstmTrainingSettings {
        if (batch < 1 || bptt < 1) {
            throw new IllegalArgumentException("batch " + batch + " and BPTT length " + bptt + " must be ≥ 1");
        }
        if (!(keepProbability > 0 && keepProbability <= 1)) {
            throw new IllegalArgumentException("keep probability " + keepProbability + " must be in (0, 1]");
        }
        if (!(learningRate > 0) || !(finalLearningRate >= 0)) {
            throw new IllegalArgumentException("learning rates " + learningRate + " → " + finalLearningRate
                    + " must be positive (the final one may be 0)");
        }
    }

    /** 32 rows × 35 steps, dropout 0.1, Adam 3e-3, gradient norm clipped at 5. */
    public static LstmTrainingSettings defaults() {
        return new LstmTrainingSettings(32, 35, 0.9, 3e-3, 3e-3, 5.0);
    }

    /** @return these settings with the learning rate going linearly from {@code first} to {@code last} */
    public LstmTrainingSettings withLearningRates(double first, double last) {
        return new LstmTrainingSettings(batch, bptt, keepProbability, first, last, clipNorm);
    }

    /** @return these settings with another dropout keep probability */
    public LstmTrainingSettings withKeepProbability(double keep) {
        return new LstmTrainingSettings(batch, bptt, keep, learningRate, finalLearningRate, clipNorm);
    }
}
