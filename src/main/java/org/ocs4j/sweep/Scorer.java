package org.ocs4j.sweep;

import org.deeplearning4j.nn.api.Model;
import org.ocs4j.progress.Progress;

/**
 * What a sweep measures on each simulated model: top-1 accuracy, perplexity… The same scorer (same data, same
 * order) is applied to every cell, so cells are comparable.
 */
public interface Scorer {

    /** @return the metric's name with its unit, for table headers, e.g. {@code top-1 accuracy (%)} */
    String metric();

    /** @return whether a larger value is better (accuracy) or worse (perplexity) */
    boolean higherIsBetter();

    /** @return what is evaluated, e.g. {@code Fashion-MNIST test, 10000 images} (part of a sweep's identity) */
    String describe();

    /** Scores one model. */
    Score score(Model model, Progress progress);

    /**
     * One measurement.
     *
     * @param value    the metric
     * @param metrics  further named values (top-5, images/s…)
     * @param examples how many examples (images, tokens) were scored
     * @param outcomes per example in data order, whether it was scored right (top-1 correct), for paired tests; null
     *                 for metrics without per-example outcomes (perplexity)
     * @param windows  per window of a token stream, its loss, for perplexity intervals and paired tests; null for
     *                 other metrics
     */
    record Score(double value, java.util.Map<String, Double> metrics, long examples, java.util.BitSet outcomes,
                 org.ocs4j.eval.WindowLosses windows) {

        /** A score without per-example outcomes or window losses. */
        public Score(double value, java.util.Map<String, Double> metrics, long examples) {
            this(value, metrics, examples, null, null);
        }

        /** A score with per-example outcomes (classification). */
        public Score(double value, java.util.Map<String, Double> metrics, long examples, java.util.BitSet outcomes) {
            this(value, metrics, examples, outcomes, null);
        }
    }
}
