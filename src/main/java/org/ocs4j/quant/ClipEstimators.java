package org.ocs4j.quant;

import java.util.Arrays;

/**
 * Clip-value estimators over {@link TensorStatistics}: MAX, MSE, ACIQ, KL and percentile, for a
 * symmetric signed {@code bits}-bit grid. Java loops run over histogram bins only (≤ a few thousand).
 *
 * <p>Every result carries {@code E(α)}, the estimated mean squared error of clipping plus quantization,
 * {@code Σ_{|x_i|>α} p_i (|x_i| - α)² + Σ_{|x_i|≤α} p_i (x_i - Q_α(x_i))²} on the 201-bin histogram.
 */
public final class ClipEstimators {

    /** ACIQ's Gaussian clip multipliers α/σ for 2..8 bits (the reference code's constants). */
    static final double[] ACIQ_GAUSSIAN = {1.47818312, 1.80489289, 2.19227856, 2.57733584, 2.94451183, 3.29076248,
            3.61691335};
    /** ACIQ's Laplace clip multipliers α/b for 2..8 bits. */
    static final double[] ACIQ_LAPLACE = {2.33152939, 3.04528770, 4.00378631, 5.08252088, 6.23211675, 7.42700429,
            8.65265030};

    private ClipEstimators() {
    }

    /** The estimator by name with its default parameter (MAX: c = 1; PERCENTILE: 99.99). */
    public static ClipResult estimate(ClipMethod method, TensorStatistics s, int bits) {
        return switch (method) {
            case NONE -> new ClipResult(ClipMethod.NONE, s.maxAbs(), error(s.mseHistogram(), s.maxAbs(), bits));
            case MAX -> max(s, bits, 1.0);
            case MSE -> mse(s, bits);
            case ACIQ -> aciq(s, bits);
            case KL -> kl(s, bits);
            case PERCENTILE -> percentile(s, bits, 99.99);
        };
    }

    /** α = c · max|x|, {@code c} in (0, 1]. */
    public static ClipResult max(TensorStatistics s, int bits, double c) {
        if (!(c > 0.0 && c <= 1.0)) {
            throw new IllegalArgumentException("MAX clip factor " + c + " is outside (0, 1]");
        }
        double alpha = c * requireNonZero(s);
        return new ClipResult(ClipMethod.MAX, alpha, error(s.mseHistogram(), alpha, bits));
    }

    /** Argmin of {@code E(α)} over {@code α = k/100 · max|x|}, k = 1..99 (the reference never tries k = 100). */
    public static ClipResult mse(TensorStatistics s, int bits) {
        double m = requireNonZero(s);
        Histogram h = s.mseHistogram();
        double best = Double.POSITIVE_INFINITY;
        double bestAlpha = m;
        for (int k = 1; k <= 99; k++) {
            double alpha = k / 100.0 * m;
            double e = error(h, alpha, bits);
            if (e < best) {
                best = e;
                bestAlpha = alpha;
            }
        }
        return new ClipResult(ClipMethod.MSE, bestAlpha, best);
    }

    /**
     * ACIQ: Gaussian {@code σ̂ = (max - min) · g / sqrt(2 ln N)} with {@code g = 0.175 · (1 + sqrt(π ln 4))}, Laplace
     * {@code b̂ = mean|x - mean x|}; the candidate with the lower {@code E} on the 101-bin histogram over
     * {@code [-max|x|, max|x|]} wins. Beyond 8 bits the multipliers come from {@link #aciqMultiplier}.
     */
    public static ClipResult aciq(TensorStatistics s, int bits) {
        requireNonZero(s);
        FixedPointGrid.signed(bits);
        double n = s.count();
        double g = 0.175 * (1 + Math.sqrt(Math.PI * Math.log(4)));
        double sigma = n > 1 ? (s.max() - s.min()) * g / Math.sqrt(2 * Math.log(n)) : 0.0;
        double b = s.meanAbsoluteDeviation();
        Histogram h = s.aciqHistogram();
        double alphaG = aciqMultiplier(bits, false) * sigma;
        double alphaL = aciqMultiplier(bits, true) * b;
        double eG = alphaG > 0 ? error(h, alphaG, bits) : Double.POSITIVE_INFINITY;
        double eL = alphaL > 0 ? error(h, alphaL, bits) : Double.POSITIVE_INFINITY;
        double alpha = eL <= eG ? alphaL : alphaG;
        if (!(alpha > 0)) {
            alpha = s.maxAbs();
        }
        return new ClipResult(ClipMethod.ACIQ, alpha, error(s.mseHistogram(), alpha, bits));
    }

    /**
     * ACIQ's α/scale multiplier: the reference constants for 2..8 bits; beyond, the minimizer of the analytic ACIQ
     * error with unit scale, Laplace {@code 2e^(-α) + N(α)} or Gaussian
     * {@code (1+α²)(1-erf(α/√2)) - sqrt(2/π)·α·e^(-α²/2) + N(α)}, with the quantization noise
     * {@code N(α) = α²·(1 − 2^-M)/(3·4^M)}, {@code M = bits − 1}. This noise term is the one the reference constants
     * were minimized with: solving their optimality conditions for the noise coefficient gives exactly
     * {@code (1 − 2^-M)/(3·4^M)} for all 14 of them (e.g. 1/24 at 2 bits, 1/64 at 3, 7/1536 at 4), and the minimizer
     * reproduces the whole 2–8-bit table to 1e-6 relative (ClipEstimatorsTest). The simpler noise term
     * {@code α²/(3·4^M)} misses the table by 8–28 % with {@code M = b}, and by up to 20 % at 2 bits with {@code M = b − 1}.
     */
    public static double aciqMultiplier(int bits, boolean laplace) {
        FixedPointGrid.signed(bits);
        if (bits <= 8) {
            return (laplace ? ACIQ_LAPLACE : ACIQ_GAUSSIAN)[bits - 2];
        }
        return analyticAciqMultiplier(bits - 1, laplace);
    }

    /** Minimizes the analytic ACIQ error, noise {@code α²(1 − 2^-M)/(3·4^M)} (golden-section search). */
    static double analyticAciqMultiplier(int m, boolean laplace) {
        double lo = 0.0;
        double hi = 60.0;
        double phi = (Math.sqrt(5) - 1) / 2;
        double a = hi - phi * (hi - lo);
        double b = lo + phi * (hi - lo);
        for (int i = 0; i < 200; i++) {
            if (aciqError(a, m, laplace) < aciqError(b, m, laplace)) {
                hi = b;
            } else {
                lo = a;
            }
            a = hi - phi * (hi - lo);
            b = lo + phi * (hi - lo);
        }
        return (lo + hi) / 2;
    }

    static double aciqError(double alpha, int m, boolean laplace) {
        double quantization = alpha * alpha * (1 - Math.pow(2, -m)) / (3 * Math.pow(4, m));
        if (laplace) {
            return 2 * Math.exp(-alpha) + quantization;
        }
        return (1 + alpha * alpha) * erfc(alpha / Math.sqrt(2))
                - Math.sqrt(2 / Math.PI) * alpha * Math.exp(-alpha * alpha / 2) + quantization;
    }

    /** Complementary error function (Numerical Recipes' erfcc, fractional error < 1.2e-7). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    /** KL (entropy) calibration: see {@link EntropyClip#estimate}. */
    public static ClipResult kl(TensorStatistics s, int bits) {
        return EntropyClip.estimate(s, bits);
    }

    /** α = the {@code p}-th percentile of |x| (linear within a bin of the 8192-bin |x| histogram). */
    public static ClipResult percentile(TensorStatistics s, int bits, double p) {
        if (!(p > 0.0 && p <= 100.0)) {
            throw new IllegalArgumentException("percentile " + p + " is outside (0, 100]");
        }
        requireNonZero(s);
        Histogram h = s.absHistogram();
        double[] counts = h.counts();
        double total = Arrays.stream(counts).sum();
        double target = p / 100.0 * total;
        double cumulative = 0;
        double alpha = h.hi();
        for (int i = 0; i < counts.length; i++) {
            if (cumulative + counts[i] >= target) {
                double fraction = counts[i] == 0 ? 1.0 : (target - cumulative) / counts[i];
                alpha = h.edge(i) + fraction * h.width();
                break;
            }
            cumulative += counts[i];
        }
        alpha = Math.max(alpha, h.width());
        return new ClipResult(ClipMethod.PERCENTILE, alpha, error(s.mseHistogram(), alpha, bits));
    }

    /**
     * {@code E(α)} on a histogram: clipping error of the bins beyond α plus the round-half-to-even quantization
     * error of the bins within, for a signed {@code bits}-bit grid with scale {@code (2^(bits-1) - 1)/α}.
     */
    public static double error(Histogram h, double alpha, int bits) {
        FixedPointGrid grid = FixedPointGrid.signed(bits);
        double s = grid.scale(alpha);
        double[] p = h.masses();
        double e = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == 0) continue;
            double x = h.centre(i);
            double ax = Math.abs(x);
            if (ax > alpha) {
                e += p[i] * (ax - alpha) * (ax - alpha);
            } else {
                double code = Math.min(Math.max(Math.rint(x * s), grid.minCode()), grid.maxCode());
                double d = x - code / s;
                e += p[i] * d * d;
            }
        }
        return e;
    }

    static double requireNonZero(TensorStatistics s) {
        double m = s.maxAbs();
        if (m == 0.0) {
            throw new IllegalArgumentException("every value is 0: there is no range to clip (skip this tensor)");
        }
        return m;
    }
}
