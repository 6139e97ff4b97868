package org.ocs4j.eval;

/**
 * Perplexity of a language model over a token stream.
 *
 * @param tokens         tokens predicted (every token of the split)
 * @param totalNll       sum of {@code −ln p(token | history)} over them
 * @param seconds        wall time
 * @param windows        the same NLL window by window, in stream order (for intervals and paired comparisons)
 */
public record PerplexityResult(long tokens, double totalNll, double seconds, WindowLosses windows) {

    /** @return {@code exp(totalNll / tokens)} */
    public double perplexity() {
        return Math.exp(totalNll / tokens);
    }

    /** @return tokens per second */
    public double tokensPerSecond() {
        return seconds == 0 ? 0 : tokens / seconds;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "perplexity %.2f over %,d tokens (mean NLL %.4f nats; %.0f tokens/s)",
                perplexity(), tokens, totalNll / tokens, tokensPerSecond());
    }
}
