package org.ocs4j.quant;

import java.util.Arrays;

/**
 * The KL (entropy) clip value — TensorRT's calibration as MXNet implements it and the OCS authors use it — computed
 * the way their code computes it, float32 steps included, so that near-ties between windows go the same way.
 */
final class EntropyClip {

    private EntropyClip() {
    }

    /**
     * KL (entropy) calibration, TensorRT-style as ported from MXNet to the OCS authors' code: for every window of
     * {@code 2i+1} central bins of the KL histogram ({@code i = floor(Q/2) .. bins/2}, {@code Q = 2^bits - 1}),
     * P = the window with the mass outside it folded into its two end bins; Q = the unfolded window merged into Q
     * groups of {@code floor((2i+1)/Q)} bins (the remainder joins the last group), each group's mass spread evenly
     * over its bins that are non-empty in the unfolded window (the last group over all but the window's last bin),
     * held in float32; both smoothed in float32 ({@link #smooth}); the threshold of the smallest KL(P‖Q) is the upper
     * edge of bin {@code bins/2 + i}. Float32 matters: some windows differ by less than its rounding, and the
     * reference picks among them by its float32 values.
     */
    static ClipResult estimate(TensorStatistics s, int bits) {
        ClipEstimators.requireNonZero(s);
        FixedPointGrid.signed(bits);
        Histogram h = s.klHistogram();
        double[] hist = h.counts();
        int bins = hist.length;
        int levels = (int) ((1L << bits) - 1);
        int zero = bins / 2;
        if (levels / 2 > zero) {
            throw new IllegalArgumentException(bits + "-bit KL calibration needs more than " + bins
                    + " histogram bins (at least " + (2 * (levels / 2) + 1) + ")");
        }
        double[] prefix = new double[bins + 1];
        for (int i = 0; i < bins; i++) {
            prefix[i + 1] = prefix[i] + hist[i];
        }
        double bestDivergence = Double.POSITIVE_INFINITY;
        double bestThreshold = h.hi();
        for (int i = levels / 2; i <= zero; i++) {
            int start = zero - i;
            int stop = zero + i + 1;
            double[] window = Arrays.copyOfRange(hist, start, stop);
            double[] p = window.clone();
            p[0] += prefix[start];
            p[p.length - 1] += prefix[bins] - prefix[stop];
            double divergence = klDivergence(p, quantizedWindow(window, levels));
            if (divergence < bestDivergence) {
                bestDivergence = divergence;
                bestThreshold = h.edge(stop);
            }
        }
        return new ClipResult(ClipMethod.KL, bestThreshold, ClipEstimators.error(s.mseHistogram(), bestThreshold, bits));
    }

    /**
     * The window merged into {@code levels} groups and expanded back over the window's non-empty bins, in float32
     * (see {@link #kl}).
     */
    static double[] quantizedWindow(double[] window, int levels) {
        int width = window.length;
        int merged = width / levels;
        double[] q = new double[width];
        for (int j = 0; j < levels; j++) {
            int from = j * merged;
            int to = j == levels - 1 ? width : from + merged;
            double mass = 0;
            for (int n = from; n < to; n++) mass += window[n];
            // The reference spreads the last group over [from, width - 1): the window's last bin gets nothing.
            int spreadTo = j == levels - 1 ? width - 1 : to;
            int nonEmpty = 0;
            for (int n = from; n < spreadTo; n++) {
                if (window[n] != 0) nonEmpty++;
            }
            if (nonEmpty > 0) {
                float share = (float) (mass / nonEmpty);
                for (int n = from; n < spreadTo; n++) {
                    q[n] = window[n] != 0 ? share : 0.0;
                }
            }
        }
        return q;
    }

    /**
     * KL(P‖Q) of two count vectors in the reference's float32 arithmetic: both smoothed ({@link #smooth}), normalized
     * by their float32 sums, {@code p·ln(p/q)} per bin rounded to float32, summed in float32 — every sum pairwise, as
     * numpy sums float32 arrays; ∞ when either cannot be smoothed.
     */
    static double klDivergence(double[] p, double[] q) {
        float[] ps = smooth(p);
        float[] qs = smooth(q);
        if (ps == null || qs == null) {
            return Double.POSITIVE_INFINITY;
        }
        float sp = pairwiseSum(ps, 0, ps.length);
        float sq = pairwiseSum(qs, 0, qs.length);
        float[] terms = new float[ps.length];
        for (int n = 0; n < ps.length; n++) {
            double pn = ps[n] / sp;
            double qn = qs[n] / sq;
            terms[n] = pn > 0 ? (float) (pn * Math.log(pn / qn)) : 0f;
        }
        return pairwiseSum(terms, 0, terms.length);
    }

    /** numpy's pairwise summation of a float32 array (8 accumulators up to 128 values, halves above), in float32. */
    static float pairwiseSum(float[] a, int from, int n) {
        if (n < 8) {
            float sum = 0f;
            for (int i = 0; i < n; i++) sum += a[from + i];
            return sum;
        }
        if (n <= 128) {
            float[] r = new float[8];
            System.arraycopy(a, from, r, 0, 8);
            int i = 8;
            for (; i < n - n % 8; i += 8) {
                for (int k = 0; k < 8; k++) r[k] += a[from + i + k];
            }
            float sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) sum += a[from + i];
            return sum;
        }
        int half = n / 2;
        half -= half % 8;
        return pairwiseSum(a, from, half) + pairwiseSum(a, from + half, n - half);
    }

    /**
     * MXNet's smoothing in float32, as the reference computes it: the counts rounded to float32, zeros become
     * {@code 1e-4}, and {@code 1e-4 · zeros / nonZeros} is taken from every non-zero, each sum rounded to float32;
     * null when impossible (all zero, or a value would not stay positive).
     */
    static float[] smooth(double[] counts) {
        final double eps = 1e-4;
        int zeros = 0;
        for (double c : counts) {
            if (c == 0) zeros++;
        }
        int nonZeros = counts.length - zeros;
        if (nonZeros == 0) {
            return null;
        }
        float addToZero = (float) eps;
        float takeFromNonZero = (float) -(eps * zeros / nonZeros);
        float[] out = new float[counts.length];
        for (int n = 0; n < counts.length; n++) {
            float c = (float) counts[n];
            out[n] = counts[n] == 0 ? c + addToZero : c + takeFromNonZero;
            if (out[n] <= 0) {
                return null;
            }
        }
        return out;
    }
}
