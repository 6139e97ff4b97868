package org.ocs4j.sweep;

import org.deeplearning4j.nn.api.Model;
import org.ocs4j.eval.PerplexityEvaluator;
import org.ocs4j.eval.PerplexityResult;
import org.ocs4j.exec.Executor;
import org.ocs4j.progress.Progress;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Perplexity of a language model over a whole token stream (every token predicted, recurrent state carried across
 * windows), through {@link PerplexityEvaluator}; lower is better.
 *
 * @param tokens      the split, in order
 * @param startToken  the token fed before the first one (e.g. {@code <eos>})
 * @param window      tokens per forward call
 * @param description what the tokens are, for reports
 * @param executor    what computes the model's outputs
 */
public record PerplexityScorer(int[] tokens, int startToken, int window, String description, Executor executor)
        implements Scorer {

    @Override
    public String metric() {
        return "perplexity";
    }

    @Override
    public boolean higherIsBetter() {
        return false;
    }

    @Override
    public String describe() {
        return description + ", " + tokens.length + " tokens"
                + (executor == Executor.DL4J ? "" : "; outputs by ocs4j FastRecurrentInference (libnd4j lstmLayer op,"
                + " DL4J layers otherwise)");
    }

    @Override
    public Score score(Model model, Progress progress) {
        PerplexityResult r = PerplexityEvaluator.evaluate(model, tokens, startToken, window, executor,
                progress);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("meanNll", r.totalNll() / r.tokens());
        metrics.put("tokensPerSecond", r.tokensPerSecond());
        return new Score(r.perplexity(), metrics, r.tokens(), null, r.windows());
    }
}
