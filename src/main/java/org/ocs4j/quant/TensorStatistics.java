package org.ocs4j.quant;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.EnumSet;
import java.util.Set;

/**
 * Streaming statistics of one tensor (weights, or a layer's activations over calibration batches) in two passes,
 * as TensorRT calibrates: pass 1 ({@link #observeRange}) finds count, min, max and mean; pass 2
 * ({@link #observeDistribution}) fills the histograms whose ranges depend on them, and the mean absolute
 * deviation. Memory is independent of the number of batches. {@link #of(INDArray)} does both passes on one array.
 * Pass 2 fills only the histograms of the clip methods the statistics are made {@linkplain #TensorStatistics(int, Set)
 * for} — the MSE histogram always (every clip method reports its error on it) — as the histograms are most of
 * calibration's cost.
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
    private final Set<ClipMethod> methods;
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

    /** Statistics for every clip method. @param klBins bins of the KL histogram, odd and ≥ 3 */
    public TensorStatistics(int klBins) {
        this(klBins, EnumSet.allOf(ClipMethod.class));
    }

    /**
     * Statistics for the given clip methods only: ACIQ adds its histogram and the mean absolute deviation, KL its
     * histogram, PERCENTILE the |x| histogram; NONE, MAX and MSE need the MSE histogram alone.
     *
     * @param klBins  bins of the KL histogram, odd and ≥ 3
     * @param methods the clip methods the statistics must serve (at least one)
     */
    public TensorStatistics(int klBins, Set<ClipMethod> methods) {
        if (klBins < 3 || klBins % 2 == 0) {
            throw new IllegalArgumentException("KL histogram bins " + klBins + " must be odd and at least 3");
        }
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("statistics must serve at least one clip method");
        }
        this.klBins = klBins;
        this.methods = Set.copyOf(methods);
    }

    /** @return whether these statistics hold what {@code method} estimates its clip value from */
    public boolean serves(ClipMethod method) {
        return methods.contains(method) || !needsOwnData(method);
    }

    private static boolean needsOwnData(ClipMethod method) {
        return method == ClipMethod.ACIQ || method == ClipMethod.KL || method == ClipMethod.PERCENTILE;
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
        if (aciqHistogram != null) {
            aciqHistogram.add(batch);
            sumAbsDeviation += Transforms.abs(batch.sub(mean()), false).sumNumber().doubleValue();
        }
        if (klHistogram != null) {
            klHistogram.add(batch);
        }
        if (absHistogram != null) {
            absHistogram.add(Transforms.abs(batch, true));
        }
        distributionCount += batch.length();
    }

    private void createHistograms() {
        double m = maxAbs();
        double spread = Math.max(Math.abs(m), 1.0) * 1e-6;
        double lo = min < max ? min : min - spread;
        double hi = min < max ? max : max + spread;
        double sym = m > 0 ? m : spread;
        mseHistogram = new Histogram(lo, hi, MSE_BINS);
        aciqHistogram = methods.contains(ClipMethod.ACIQ) ? new Histogram(-sym, sym, ACIQ_BINS) : null;
        klHistogram = methods.contains(ClipMethod.KL) ? new Histogram(-sym, sym, klBins) : null;
        absHistogram = methods.contains(ClipMethod.PERCENTILE) ? new Histogram(0.0, sym, PERCENTILE_BINS) : null;
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

    /** @return {@code mean|x - mean x|} (pass 2; statistics that serve ACIQ) */
    public double meanAbsoluteDeviation() {
        requireDistribution();
        require(ClipMethod.ACIQ, aciqHistogram);
        return sumAbsDeviation / distributionCount;
    }

    Histogram mseHistogram() {
        requireDistribution();
        return mseHistogram;
    }

    Histogram aciqHistogram() {
        requireDistribution();
        return require(ClipMethod.ACIQ, aciqHistogram);
    }

    Histogram klHistogram() {
        requireDistribution();
        return require(ClipMethod.KL, klHistogram);
    }

    Histogram absHistogram() {
        requireDistribution();
        return require(ClipMethod.PERCENTILE, absHistogram);
    }

    private Histogram require(ClipMethod method, Histogram h) {
        if (h == null) {
            throw new IllegalStateException("these statistics were gathered for clip methods " + methods
                    + " and hold nothing for " + method + ": gather them for " + method + " too");
        }
        return h;
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
     * @param aciq            counts of the ACIQ histogram, or null when the statistics do not serve ACIQ
     * @param kl              counts of the KL histogram, or null when they do not serve KL
     * @param abs             counts of the |x| histogram, or null when they do not serve PERCENTILE
     */
    public record Snapshot(int klBins, long count, double min, double max, double sum, double sumAbsDeviation,
                           double[] mse, double[] aciq, double[] kl, double[] abs) {
    }

    /** @return the statistics after both passes, as plain values */
    public Snapshot snapshot() {
        requireDistribution();
        return new Snapshot(klBins, count, min, max, sum, sumAbsDeviation, mseHistogram.counts(),
                countsOrNull(aciqHistogram), countsOrNull(klHistogram), countsOrNull(absHistogram));
    }

    private static double[] countsOrNull(Histogram h) {
        return h == null ? null : h.counts();
    }

    /** @return statistics restored from a snapshot (both passes done), serving the methods whose data it holds */
    public static TensorStatistics fromSnapshot(Snapshot s) {
        if (s.mse() == null) {
            throw new IllegalArgumentException("saved statistics without their MSE histogram");
        }
        Set<ClipMethod> methods = EnumSet.of(ClipMethod.NONE, ClipMethod.MAX, ClipMethod.MSE);
        if (s.aciq() != null) methods.add(ClipMethod.ACIQ);
        if (s.kl() != null) methods.add(ClipMethod.KL);
        if (s.abs() != null) methods.add(ClipMethod.PERCENTILE);
        TensorStatistics t = new TensorStatistics(s.klBins(), methods);
        t.count = s.count();
        t.min = s.min();
        t.max = s.max();
        t.sum = s.sum();
        t.createHistograms();
        t.mseHistogram.restore(s.mse());
        if (t.aciqHistogram != null) t.aciqHistogram.restore(s.aciq());
        if (t.klHistogram != null) t.klHistogram.restore(s.kl());
        if (t.absHistogram != null) t.absHistogram.restore(s.abs());
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
