package org.ocs4j.sweep;

import org.ocs4j.eval.WindowLosses;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The uncertainty of a perplexity measured on a token stream, by the bootstrap over its windows (the windows are
 * drawn with replacement, {@value #RESAMPLES} times from a fixed seed, and the perplexity {@code exp(Σ nll / Σ tokens)}
 * of each draw recomputed): its 95 % percentile interval, and whether one model's perplexity is below another's
 * beyond chance — paired, as both score the same windows: the same draws resample the difference of their mean NLLs,
 * significant when its 95 % interval excludes 0. Windows are long (hundreds of tokens), so the dependence the carried
 * state adds between neighbours is small against a window's own variation.
 */
final class PerplexityUncertainty {

    /** Bootstrap draws. */
    static final int RESAMPLES = 2000;

    /** The seed of the draws (fixed: a table's intervals are reproducible). */
    static final long SEED = 20190125L;

    private PerplexityUncertainty() {
    }

    /** @return the 95 % bootstrap percentile interval {@code [low, high]} of the perplexity of {@code w} */
    static double[] interval(WindowLosses w) {
        double[] draws = draws(w.size(), k -> Math.exp(sum(w.nll(), k) / sum(w.tokens(), k)));
        return new double[]{percentile(draws, 0.025), percentile(draws, 0.975)};
    }

    /** @return half the width of {@link #interval} */
    static double halfWidth(WindowLosses w) {
        double[] i = interval(w);
        return (i[1] - i[0]) / 2;
    }

    /**
     * @return whether {@code a}'s perplexity is below {@code b}'s beyond chance: the 95 % paired bootstrap interval of
     * {@code meanNll(b) − meanNll(a)} lies above 0
     * @throws IllegalArgumentException when the two were not scored on the same windows
     */
    static boolean significantlyBelowPaired(WindowLosses a, WindowLosses b) {
        if (!Arrays.equals(a.tokens(), b.tokens())) {
            throw new IllegalArgumentException("a paired comparison needs the same windows, got " + a + " and " + b);
        }
        double[] draws = draws(a.size(), k -> (sum(b.nll(), k) - sum(a.nll(), k)) / sum(a.tokens(), k));
        return percentile(draws, 0.025) > 0;
    }

    /** @return the statistic of each of the {@value #RESAMPLES} draws of {@code n} window indices, sorted */
    private static double[] draws(int n, java.util.function.ToDoubleFunction<int[]> statistic) {
        SplittableRandom random = new SplittableRandom(SEED);
        double[] draws = new double[RESAMPLES];
        for (int b = 0; b < RESAMPLES; b++) {
            draws[b] = statistic.applyAsDouble(random.ints(n, 0, n).toArray());
        }
        Arrays.sort(draws);
        return draws;
    }

    private static double sum(double[] x, int[] at) {
        double s = 0;
        for (int k : at) s += x[k];
        return s;
    }

    private static double sum(int[] x, int[] at) {
        long s = 0;
        for (int k : at) s += x[k];
        return s;
    }

    /** @return the {@code q} quantile of sorted {@code x}, linearly interpolated */
    private static double percentile(double[] x, double q) {
        double pos = q * (x.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, x.length - 1);
        return x[lo] + (pos - lo) * (x[hi] - x[lo]);
    }
}
