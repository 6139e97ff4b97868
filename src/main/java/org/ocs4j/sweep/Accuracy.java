package org.ocs4j.sweep;

/**
 * The uncertainty of an accuracy measured on {@code n} examples: its 95 % Wilson score interval, and whether one
 * accuracy beats another by more than chance (a two-proportion z-test at 5 %, unpaired — conservative for two cells
 * scored on the same examples, whose paired test would find more differences significant).
 */
final class Accuracy {

    /** The 97.5 % quantile of the standard normal distribution. */
    static final double Z = 1.959963984540054;

    private Accuracy() {
    }

    /** @return half the width of the 95 % Wilson interval of {@code correct} of {@code n}, in percentage points */
    static double halfWidth(double correct, long n) {
        double p = correct / n;
        double z2 = Z * Z;
        return 100 * Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
    }

    /** @return whether accuracy {@code a} (of {@code na}) is above {@code b} (of {@code nb}) beyond chance */
    static boolean significantlyAbove(double correctA, long na, double correctB, long nb) {
        double pa = correctA / na;
        double pb = correctB / nb;
        double pooled = (correctA + correctB) / (na + nb);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / na + 1.0 / nb));
        return se == 0 ? pa > pb : (pa - pb) / se > Z;
    }
}
