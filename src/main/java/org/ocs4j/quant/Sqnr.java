package org.ocs4j.quant;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Signal-to-quantization-noise ratio, {@code 10·log10(Σx² / Σ(x − x̂)²)} in dB (+∞ when nothing changed): the one
 * definition every report and plot of ocs4j uses.
 */
public final class Sqnr {

    private Sqnr() {
    }

    /** @return the SQNR of accumulated signal energy {@code Σx²} and noise energy {@code Σ(x − x̂)²}, dB */
    public static double db(double signal, double noise) {
        return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
    }

    /** @return the signal energy {@code Σx²} of a tensor (double accumulation) */
    public static double energy(INDArray x) {
        double norm = x.norm2Number().doubleValue();
        return norm * norm;
    }

    /** @return the SQNR of {@code quantized} against {@code original} (same shape), dB */
    public static double of(INDArray original, INDArray quantized) {
        return db(energy(original), energy(original.sub(quantized)));
    }

    /** @return the SQNR of fake quantization on a calibration histogram (bin centres, exact grid arithmetic), dB */
    public static double onHistogram(TensorStatistics s, FixedPointGrid grid, double alpha) {
        Histogram h = s.mseHistogram();
        double[] p = h.masses();
        double scale = grid.scale(alpha);
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < p.length; i++) {
            double x = h.centre(i);
            double q = Math.min(Math.max(Math.rint(x * scale), grid.minCode()), grid.maxCode()) / scale;
            signal += p[i] * x * x;
            noise += p[i] * (x - q) * (x - q);
        }
        return db(signal, noise);
    }
}
