package org.ocs4j.quant;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Streaming statistics of one tensor (weights, or a layer's activations over calibration batches) in two passes,
 * as TensorRT calibrates: pass 1 ({@link #observeRange}) finds count, min, max and mean; pass 2
 * ({@link #observeDistribution}) fills the histograms whose ranges depend on them, and the mean absolute
 * deviation. Memory is independent of the number of batches. {@link #of(INDArray)} does both passes on one array.
 */
public final class TensorStatistics {

    /** Bins of the MSE histogram over {@code [min, max]} (the MSE and ACIQ estimators read it). */
    public static final int MSE_BINS = 201;
    /** Bins of the ACIQ histogram over {@code [-max|x|, max|x|]}. */
    public static final int ACIQ_BINS = 101;
    /** Default bins of the KL histogram over {@code [-max|x|, max|x|]} (the reference's 1001; MXNet today 8001). */
    public static final int DEFAULT_KL_BINS = 1001;
    /** Bins of the |x| histogram over {@code [0, max|x|]} used for percentiles. */
    public static final int PERCENTILE_BINS = 8192;

    private final int klBins;
    private long count;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;
    private long distributionCount;
    private double sumAbsDeviation;
    private Histogram mseHistogram;
    private Histogram aciqHistogram;
    private Histogram klHistogram;
    private Histogram absHistogram;

    /** @param klBins bins of the KL histogram, odd and ≥ 3 */
    public TensorStatistics(int klBins) {
        if (klBins < 3 || klBins % 2 == 0) {
            throw new IllegalArgumentException("KL histogram bins " + klBins + " must be odd and at least 3");
        }
        this.klBins = klBins;
    }

    /** @return statistics of one array, both passes done, with the default KL bins */
    public static TensorStatistics of(INDArray x) {
        return of(x, DEFAULT_KL_BINS);
    }

    /** @return statistics of one array, both passes done */
    public static TensorStatistics of(INDArray x, int klBins) {
        TensorStatistics s = new TensorStatistics(klBins);
        s.observeRange(x);
        s.observeDistribution(x);
        return s;
    }

    /** Pass 1: count, min, max and sum of a batch. */
    public void observeRange(INDArray batch) {
        if (mseHistogram != null) {
            throw new IllegalStateException("pass 1 (observeRange) must finish before pass 2 (observeDistribution)");
        }
        if (batch.length() == 0) {
            return;
        }
        double batchMin = batch.minNumber().doubleValue();
        double batchMax = batch.maxNumber().doubleValue();
        double batchSum = batch.sumNumber().doubleValue();
        if (Double.isNaN(batchSum) || Double.isInfinite(batchSum)) {
            throw new IllegalArgumentException("the values contain NaN or infinite entries (batch sum " + batchSum + ")");
        }
        count += batch.length();
        min = Math.min(min, batchMin);
        max = Math.max(max, batchMax);
        sum += batchSum;
    }

    /** Pass 2: the histograms and the absolute deviation of a batch (the same batches as pass 1). */
    public void observeDistribution(INDArray batch) {
        if (count == 0) {
            throw new IllegalStateException("no values were observed in pass 1: the calibration data is empty");
        }
        if (mseHistogram == null) {
            createHistograms();
        }
        mseHistogram.add(batch);
        aciqHistogram.add(batch);
        klHistogram.add(batch);
        absHistogram.add(Transforms.abs(batch, true));
        sumAbsDeviation += Transforms.abs(batch.sub(mean()), false).sumNumber().doubleValue();
        distributionCount += batch.length();
    }

    private void createHistograms() {
        double m = maxAbs();
        double spread = Math.max(Math.abs(m), 1.0) * 1e-6;
        double lo = min < max ? min : min - spread;
        double hi = min < max ? max : max + spread;
        double sym = m > 0 ? m : spread;
        mseHistogram = new Histogram(lo, hi, MSE_BINS);
        aciqHistogram = new Histogram(-sym, sym, ACIQ_BINS);
        klHistogram = new Histogram(-sym, sym, klBins);
        absHistogram = new Histogram(0.0, sym, PERCENTILE_BINS);
    }

    /** @return the number of values seen in pass 1 */
    public long count() {
        return count;
    }

    /** @return the smallest value */
    public double min() {
        requireValues();
        return min;
    }

    /** @return the largest value */
    public double max() {
        requireValues();
        return max;
    }

    /** @return {@code max|x|} */
    public double maxAbs() {
        requireValues();
        return Math.max(Math.abs(min), Math.abs(max));
    }

    /** @return the mean */
    public double mean() {
        requireValues();
        return sum / count;
    }

    /** @return {@code mean|x - mean x|} (pass 2) */
    public double meanAbsoluteDeviation() {
        requireDistribution();
        return sumAbsDeviation / distributionCount;
    }

    Histogram mseHistogram() {
        requireDistribution();
        return mseHistogram;
    }

    Histogram aciqHistogram() {
        requireDistribution();
        return aciqHistogram;
    }

    Histogram klHistogram() {
        requireDistribution();
        return klHistogram;
    }

    Histogram absHistogram() {
        requireDistribution();
        return absHistogram;
    }

    private void requireValues() {
        if (count == 0) {
            throw new IllegalStateException("no values were observed: the calibration data is empty");
        }
    }

    private void requireDistribution() {
        if (mseHistogram == null) {
            throw new IllegalStateException("pass 2 (observeDistribution) has not run");
        }
        if (distributionCount != count) {
            throw new IllegalStateException("pass 2 saw " + distributionCount + " values but pass 1 saw " + count
                    + ": feed both passes the same batches");
        }
    }

    /**
     * Everything the estimators need, as plain values (for calibration caches).
     *
     * @param klBins          KL histogram bins
     * @param count           values seen
     * @param min             smallest value
     * @param max             largest value
     * @param sum             sum of the values
     * @param sumAbsDeviation {@code Σ|x - mean|}
     * @param mse             counts of the MSE histogram
     * @param aciq            counts of the ACIQ histogram
     * @param kl              counts of the KL histogram
     * @param abs             counts of the |x| histogram
     */
    public record Snapshot(int klBins, long count, double min, double max, double sum, double sumAbsDeviation,
                           double[] mse, double[] aciq, double[] kl, double[] abs) {
    }

    /** @return the statistics after both passes, as plain values */
    public Snapshot snapshot() {
        requireDistribution();
        return new Snapshot(klBins, count, min, max, sum, sumAbsDeviation, mseHistogram.counts(),
                aciqHistogram.counts(), klHistogram.counts(), absHistogram.counts());
    }

    /** @return statistics restored from a snapshot (both passes done) */
    public static TensorStatistics fromSnapshot(Snapshot s) {
        TensorStatistics t = new TensorStatistics(s.klBins());
        t.count = s.count();
        t.min = s.min();
        t.max = s.max();
        t.sum = s.sum();
        t.createHistograms();
        t.mseHistogram.restore(s.mse());
        t.aciqHistogram.restore(s.aciq());
        t.klHistogram.restore(s.kl());
        t.absHistogram.restore(s.abs());
        t.sumAbsDeviation = s.sumAbsDeviation();
        t.distributionCount = s.count();
        return t;
    }

    @Override
    public String toString() {
        return count == 0 ? "TensorStatistics[empty]"
                : String.format("TensorStatistics[n=%d, min=%.4g, max=%.4g, mean=%.4g]", count, min, max, mean());
    }
}
