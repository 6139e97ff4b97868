package org.ocs4j.eval;

/**
 * Perplexity of a language model over a token stream, kept window by window.
 *
 * @param windows the NLL and token count of every window, in stream order (for intervals and paired comparisons)
 * @param seconds wall time
 */
public record PerplexityResult(WindowLosses windows, double seconds) {

    /** Checks that the windows are given. */
    public PerplexityResult {
        java.util.Objects.requireNonNull(windows, "windows");
    }

    /** @return tokens predicted (every token of the split) */
    public long tokens() {
        return windows.totalTokens();
    }

    /** @return the sum of {@code −ln p(token | history)} over all tokens, added window by window in stream order */
    public double totalNll() {
        return windows.totalNll();
    }

    /** @return {@code exp(totalNll / tokens)} */
    public double perplexity() {
        return Math.exp(totalNll() / tokens());
    }

    /** @return tokens per second */
    public double tokensPerSecond() {
        return seconds == 0 ? 0 : tokens() / seconds;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "perplexity %.2f over %,d tokens (mean NLL %.4f nats; %.0f tokens/s)",
                perplexity(), tokens(), totalNll() / tokens(), tokensPerSecond());
    }
}
