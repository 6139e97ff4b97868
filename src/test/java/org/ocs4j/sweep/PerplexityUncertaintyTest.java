package org.ocs4j.sweep;

import org.junit.jupiter.api.Test;
import org.ocs4j.eval.WindowLosses;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bootstrap interval of a perplexity against closed forms, and the paired bootstrap test on known cases. */
class PerplexityUncertaintyTest {

    /** 236 windows of 350 tokens (the PTB test split's shape) with i.i.d. per-token NLLs of mean m and sd s. */
    static WindowLosses windows(long seed, double m, double s) {
        Random r = new Random(seed);
        int n = 236;
        double[] nll = new double[n];
        int[] tokens = new int[n];
        Arrays.fill(tokens, 350);
        tokens[n - 1] = 180;
        for (int i = 0; i < n; i++) nll[i] = tokens[i] * m + Math.sqrt(tokens[i]) * s * r.nextGaussian();
        return new WindowLosses(nll, tokens);
    }

    @Test
    void equalWindowsHaveNoUncertainty() {
        double[] nll = new double[50];
        int[] tokens = new int[50];
        Arrays.fill(tokens, 100);
        Arrays.fill(nll, 100 * 4.9);
        double[] i = PerplexityUncertainty.interval(new WindowLosses(nll, tokens));
        assertEquals(Math.exp(4.9), i[0], 1e-9 * Math.exp(4.9));
        assertEquals(Math.exp(4.9), i[1], 1e-9 * Math.exp(4.9));
    }

    @Test
    void intervalMatchesTheDeltaMethod() {
        // ppl = exp(mean NLL); sd(mean NLL) = s / sqrt(tokens) for i.i.d. tokens, so the 95 % half-width is about
        // ppl · 1.96 · s / sqrt(N). The bootstrap should agree within sampling error of 2,000 draws (≈ 5 %).
        double m = 4.9;
        double s = 2.5;
        WindowLosses w = windows(7, m, s);
        long n = w.totalTokens();
        double ppl = Math.exp(Arrays.stream(w.nll()).sum() / n);
        double expected = ppl * Accuracy.Z * s / Math.sqrt(n);
        double half = PerplexityUncertainty.halfWidth(w);
        double[] i = PerplexityUncertainty.interval(w);
        System.out.printf("ppl %.2f, bootstrap [%.2f, %.2f], half-width %.3f, delta method %.3f%n", ppl, i[0], i[1],
                half, expected);
        assertTrue(i[0] < ppl && ppl < i[1], "the interval holds the estimate");
        assertEquals(expected, half, 0.08 * expected);
    }

    @Test
    void pairedTestSeesASmallSteadyGainAndNotNoise() {
        WindowLosses a = windows(11, 4.9, 2.5);
        // b: 0.2 % worse perplexity on every window: far inside each one's interval, but the same on every window
        double[] worse = a.nll().clone();
        for (int i = 0; i < worse.length; i++) worse[i] += 0.002 * a.tokens()[i];
        WindowLosses b = new WindowLosses(worse, a.tokens());
        assertTrue(PerplexityUncertainty.halfWidth(a) > 5 * (Math.exp(0.002) - 1) * Math.exp(4.9),
                "the unpaired intervals overlap");
        assertTrue(PerplexityUncertainty.significantlyBelowPaired(a, b), "a steady gain is beyond chance");
        assertFalse(PerplexityUncertainty.significantlyBelowPaired(b, a), "one-sided");
        assertFalse(PerplexityUncertainty.significantlyBelowPaired(a, a), "equal is not below");
        // c: a plus zero-mean noise of 0.05 nats per token on each window: no steady difference
        Random r = new Random(3);
        double[] noisy = a.nll().clone();
        for (int i = 0; i < noisy.length; i++) noisy[i] += 0.05 * a.tokens()[i] * r.nextGaussian();
        double shift = Arrays.stream(noisy).sum() - Arrays.stream(a.nll()).sum();
        WindowLosses c = new WindowLosses(noisy, a.tokens());
        boolean cBelow = PerplexityUncertainty.significantlyBelowPaired(c, a);
        boolean aBelow = PerplexityUncertainty.significantlyBelowPaired(a, c);
        System.out.printf("noise: total NLL shift %.1f nats; c below a %s, a below c %s%n", shift, cBelow, aBelow);
        assertFalse(cBelow || aBelow, "zero-mean noise is not a difference");
    }

    @Test
    void differentWindowsAreRefused() {
        WindowLosses a = windows(1, 4.9, 2.5);
        WindowLosses b = new WindowLosses(new double[]{1, 2}, new int[]{1, 1});
        assertThrows(IllegalArgumentException.class, () -> PerplexityUncertainty.significantlyBelowPaired(a, b));
        assertThrows(IllegalArgumentException.class, () -> new WindowLosses(new double[]{1}, new int[]{1, 2}));
    }
}
