package org.ocs4j.eval;

import java.util.Arrays;

/**
 * A language model's loss window by window over a token stream, in stream order: what the uncertainty of a
 * perplexity is estimated from (by resampling windows), and what two models scored on the same stream are compared on.
 *
 * @param nll    per window, the sum of {@code −ln p(token | history)} over its tokens
 * @param tokens per window, how many tokens it predicted
 */
public record WindowLosses(double[] nll, int[] tokens) {

    /** Checks that both arrays describe the same, non-empty windows. */
    public WindowLosses {
        if (nll == null || tokens == null || nll.length != tokens.length || nll.length == 0) {
            throw new IllegalArgumentException("window losses need one NLL and one token count per window, got "
                    + (nll == null ? "null" : nll.length) + " and " + (tokens == null ? "null" : tokens.length));
        }
    }

    /** @return the number of windows */
    public int size() {
        return nll.length;
    }

    /** @return the tokens of all windows */
    public long totalTokens() {
        return Arrays.stream(tokens).asLongStream().sum();
    }

    /** @return the NLL of all windows, added in stream order */
    public double totalNll() {
        double sum = 0;
        for (double w : nll) {
            sum += w;
        }
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowLosses w && Arrays.equals(nll, w.nll) && Arrays.equals(tokens, w.tokens);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(nll) + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return size() + " windows, " + totalTokens() + " tokens";
    }
}
