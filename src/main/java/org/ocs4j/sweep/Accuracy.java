package org.ocs4j.sweep;

/**
 * The uncertainty of an accuracy measured on {@code n} examples: its 95 % Wilson score interval, and whether one
 * accuracy beats another by more than chance — paired, by the exact McNemar test on the examples the two models
 * score differently, when their per-example outcomes are known; otherwise by a two-proportion z-test at 5 %,
 * unpaired (conservative for two cells scored on the same examples).
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

    /**
     * The exact McNemar test at 5 %, two-sided: of the examples exactly one of the two models gets right, {@code a}
     * only in {@code a}'s, is the split farther from even than a fair coin would make it?
     *
     * @return whether {@code a} is right more often than {@code b} beyond chance on the same examples
     */
    static boolean significantlyAbovePaired(java.util.BitSet a, java.util.BitSet b) {
        java.util.BitSet onlyA = (java.util.BitSet) a.clone();
        onlyA.andNot(b);
        java.util.BitSet onlyB = (java.util.BitSet) b.clone();
        onlyB.andNot(a);
        return onlyA.cardinality() > onlyB.cardinality()
                && mcNemarP(onlyA.cardinality(), onlyB.cardinality()) < 0.05;
    }

    /** @return the two-sided exact p-value of {@code x} vs {@code y} discordant pairs: 2·P(Bin(x+y, ½) ≤ min) */
    static double mcNemarP(int x, int y) {
        int n = x + y;
        int k = Math.min(x, y);
        double logHalf = n * Math.log(0.5);
        double sum = 0;
        double logChoose = 0; // log C(n, i), built up term by term
        for (int i = 0; i <= k; i++) {
            if (i > 0) logChoose += Math.log((double) (n - i + 1) / i);
            sum += Math.exp(logChoose + logHalf);
        }
        return Math.min(1.0, 2 * sum);
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
