package org.ocs4j.quant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clip estimators against independently computed values: the expected α below were printed by
 * {@code src/test/resources/quant/clip_reference.py}, a numpy implementation of the same definitions (numpy.histogram
 * binning; KL with Q spread over the window's non-empty bins and float32 smoothing and entropy, as the OCS authors'
 * code does), on the same deterministic arrays. The authors' own values are checked by {@code ReferenceClipTest}.
 */
class ClipEstimatorsTest {

    /** Laplace(0, 1) quantiles at (i + 0.5)/n. */
    static double[] laplaceQuantiles(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double u = (i + 0.5) / n;
            x[i] = -Math.signum(u - 0.5) * Math.log(1 - 2 * Math.abs(u - 0.5));
        }
        return x;
    }

    static INDArray array(String name) {
        if (name.equals("laplace+outliers")) {
            double[] q = laplaceQuantiles(10000);
            double[] x = java.util.Arrays.copyOf(q, q.length + 2);
            x[q.length] = 12.0;
            x[q.length + 1] = -9.0;
            return Nd4j.createFromArray(x);
        }
        double[] q = laplaceQuantiles(5000);
        for (int i = 0; i < q.length; i++) q[i] = Math.abs(q[i]) * 0.3;
        return Nd4j.createFromArray(q);
    }

    @ParameterizedTest(name = "{0} bits={1}")
    @CsvSource({
            "laplace+outliers, 4, 4.92, 5.8525768442400725, 7.036963036963037",
            "laplace+outliers, 6, 8.399999999999999, 7.860762800986824, 9.314685314685313",
            "laplace+outliers, 8, 11.52, 9.65582736886903, 10.345654345654346",
            "half-laplace, 4, 1.4308884561579467, 0.8835359201828249, 2.259055736584456",
            "half-laplace, 6, 2.171884263811169, 1.3752729494192328, 2.2845817901051846",
            "half-laplace, 8, 2.5296063778506555, 1.9094244180156297, 2.5092110610875937"})
    void matchTheNumpyReference(String name, int bits, double mse, double aciq, double kl) {
        TensorStatistics s = TensorStatistics.of(array(name));
        double binKl = 2 * s.maxAbs() / TensorStatistics.DEFAULT_KL_BINS;
        ClipResult m = ClipEstimators.mse(s, bits);
        ClipResult a = ClipEstimators.aciq(s, bits);
        ClipResult k = ClipEstimators.kl(s, bits);
        System.out.printf("%s bits=%d: %s %s %s%n", name, bits, m, a, k);
        assertEquals(mse, m.alpha(), 1e-9 * mse, "MSE picks the same candidate k/100");
        assertEquals(aciq, a.alpha(), 1e-9 * aciq, "ACIQ");
        assertEquals(kl, k.alpha(), 1e-9 * kl + 1e-12 * binKl, "KL picks the same window");
        assertTrue(m.error() <= ClipEstimators.error(s.mseHistogram(), s.maxAbs(), bits) + 1e-15,
                "MSE clipping never does worse than no clipping on its own histogram");
    }

    @Test
    void maxAndPercentile() {
        INDArray x = Nd4j.createFromArray(-4.0, 1.0, 2.0, 3.0);
        TensorStatistics s = TensorStatistics.of(x);
        assertEquals(4.0, ClipEstimators.max(s, 8, 1.0).alpha());
        assertEquals(2.0, ClipEstimators.max(s, 8, 0.5).alpha());
        assertEquals(4.0, ClipEstimators.estimate(ClipMethod.NONE, s, 8).alpha());
        // |x| uniform-ish on a fine grid: 1..1000 → the 90th percentile is 900 (to a bin of 1000/8192).
        double[] v = new double[1000];
        for (int i = 0; i < v.length; i++) v[i] = i + 1;
        TensorStatistics u = TensorStatistics.of(Nd4j.createFromArray(v));
        assertEquals(900.0, ClipEstimators.percentile(u, 8, 90.0).alpha(), 1000.0 / 8192 + 1e-9);
        assertThrows(IllegalArgumentException.class, () -> ClipEstimators.max(s, 8, 1.5));
        assertThrows(IllegalArgumentException.class, () -> ClipEstimators.percentile(s, 8, 0.0));
    }

    @Test
    void errorModelIsHandCheckable() {
        // Two bins: centres -1.5 and 1.5 on [-3, 3] with 2 bins; α = 1, 8 bits → both clipped by 0.5: E = 0.25.
        Histogram h = new Histogram(-3, 3, 2);
        h.add(Nd4j.createFromArray(-1.5, 1.5));
        assertEquals(0.25, ClipEstimators.error(h, 1.0, 8), 1e-15);
        // α = 3, 2 bits → s = 1/3: 1.5·s = 0.5 → rint 0 (tie to even) → error 1.5² = 2.25.
        assertEquals(2.25, ClipEstimators.error(h, 3.0, 2), 1e-15);
    }

    @Test
    void analyticAciqReproducesTheWholeReferenceTableAndExtendsIt() {
        // The table is the reference code's ACIQ constants (copied into ClipEstimators); the analytic minimizer is computed independently of
        // it, by golden-section search on the error formula. Asserted: within 1e-5 relative for every bit width 2..8.
        double worst = 0;
        for (int bits = 2; bits <= 8; bits++) {
            for (boolean laplace : new boolean[] {true, false}) {
                double analytic = ClipEstimators.analyticAciqMultiplier(bits - 1, laplace);
                double table = ClipEstimators.aciqMultiplier(bits, laplace);
                System.out.printf("ACIQ %s %d bits: analytic %.6f table %.6f (%+.4f%%)%n",
                        laplace ? "Laplace" : "Gaussian", bits, analytic, table, 100 * (analytic / table - 1));
                assertEquals(table, analytic, 1e-5 * table);
                worst = Math.max(worst, Math.abs(analytic / table - 1));
            }
        }
        System.out.printf("ACIQ analytic vs reference table, 2-8 bits: worst %.4f %%%n", 100 * worst);
        // Beyond 8 bits the multipliers keep growing.
        assertTrue(ClipEstimators.aciqMultiplier(9, true) > ClipEstimators.aciqMultiplier(8, true));
        assertTrue(ClipEstimators.aciqMultiplier(16, false) > ClipEstimators.aciqMultiplier(9, false));
    }

    @Test
    void streamingOverBatchesEqualsOneArray() {
        INDArray x = array("laplace+outliers");
        TensorStatistics whole = TensorStatistics.of(x);
        TensorStatistics streamed = new TensorStatistics(TensorStatistics.DEFAULT_KL_BINS);
        INDArray[] parts = {x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3000)),
                x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(3000, 10002))};
        for (INDArray p : parts) streamed.observeRange(p);
        for (INDArray p : parts) streamed.observeDistribution(p);
        for (ClipMethod m : ClipMethod.values()) {
            assertEquals(ClipEstimators.estimate(m, whole, 6).alpha(), ClipEstimators.estimate(m, streamed, 6).alpha(),
                    1e-9, m.name());
        }
    }

    @Test
    void statisticsForSomeMethodsGiveTheSameClipValuesAndRefuseTheOthersNamed() {
        INDArray x = array("laplace+outliers");
        TensorStatistics all = TensorStatistics.of(x);
        for (ClipMethod m : ClipMethod.values()) {
            TensorStatistics only = new TensorStatistics(TensorStatistics.DEFAULT_KL_BINS, java.util.EnumSet.of(m));
            only.observeRange(x);
            only.observeDistribution(x);
            TensorStatistics restored = TensorStatistics.fromSnapshot(only.snapshot());
            for (ClipMethod asked : ClipMethod.values()) {
                boolean served = asked == m || asked == ClipMethod.NONE || asked == ClipMethod.MAX
                        || asked == ClipMethod.MSE;
                assertEquals(served, only.serves(asked), m + " statistics serving " + asked);
                assertEquals(served, restored.serves(asked), "restored " + m + " statistics serving " + asked);
                if (served) {
                    double want = ClipEstimators.estimate(asked, all, 6).alpha();
                    assertEquals(want, ClipEstimators.estimate(asked, only, 6).alpha(), 0.0, m + " → " + asked);
                    assertEquals(want, ClipEstimators.estimate(asked, restored, 6).alpha(), 0.0, m + " → " + asked);
                } else {
                    IllegalStateException e = assertThrows(IllegalStateException.class,
                            () -> ClipEstimators.estimate(asked, only, 6));
                    assertTrue(e.getMessage().contains("hold nothing for " + asked), e.getMessage());
                }
            }
        }
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> TensorStatistics.of(Nd4j.createFromArray(1.0, Double.NaN)));
        assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
        TensorStatistics empty = new TensorStatistics(1001);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> empty.observeDistribution(Nd4j.createFromArray(1.0)));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        IllegalArgumentException zeros = assertThrows(IllegalArgumentException.class,
                () -> ClipEstimators.mse(TensorStatistics.of(Nd4j.zeros(DataType.DOUBLE, 10)), 8));
        assertTrue(zeros.getMessage().contains("every value is 0"), zeros.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ClipEstimators.kl(TensorStatistics.of(array("half-laplace"), 101), 8),
                "8-bit KL needs more than 101 bins");
        assertThrows(IllegalArgumentException.class, () -> new TensorStatistics(1000));
    }
}
