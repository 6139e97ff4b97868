package org.ocs4j.sweep;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Wilson intervals, the two-proportion test and the exact McNemar test, against values computed with scipy.stats. */
class AccuracyTest {

    @Test
    void wilsonHalfWidthsMatchAnIndependentComputation() {
        // scipy: z = norm.ppf(0.975); d = 1 + z²/n; half = z·sqrt(p(1−p)/n + z²/(4n²)) / d
        assertEquals(2.713974121146448, Accuracy.halfWidth(650, 1300), 1e-12);
        assertEquals(2.6069520946992553, Accuracy.halfWidth(831, 1300), 1e-12, "MobileNet's FP32 63.92 %");
        assertEquals(0.5411483167971576, Accuracy.halfWidth(9169, 10000), 1e-12);
        assertEquals(0.2585056854214043, Accuracy.halfWidth(2, 1300), 1e-12, "near 0 the interval stays above 0");
    }

    @Test
    void aDifferenceIsSignificantOnlyBeyondChance() {
        // z = 1.2986 for 719 vs 686 of 1300 (55.31 vs 52.77 %), 2.7102 for 719 vs 650
        assertFalse(Accuracy.significantlyAbove(719, 1300, 686, 1300));
        assertTrue(Accuracy.significantlyAbove(719, 1300, 650, 1300));
        assertFalse(Accuracy.significantlyAbove(650, 1300, 719, 1300));
    }

    @Test
    void thePairedTestCountsOnlyTheExamplesTheTwoScoreDifferently() {
        // scipy.stats.binomtest(k, n, 0.5).pvalue, two-sided
        assertEquals(0.03857421875, Accuracy.mcNemarP(10, 2), 1e-12);
        assertEquals(0.125, Accuracy.mcNemarP(6, 1), 1e-12);
        assertEquals(0.056887933640980976, Accuracy.mcNemarP(60, 40), 1e-12);
        assertEquals(0.020978735677851718, Accuracy.mcNemarP(62, 38), 1e-12);
        assertEquals(1.0, Accuracy.mcNemarP(0, 0));
        // of 1,200 examples 1,000 both get right, 62 only a, 38 only b: 88.5 vs 86.5 % is inside the unpaired test's
        // noise, yet the paired test sees 62 : 38 (p = 0.021)
        java.util.BitSet a = new java.util.BitSet();
        java.util.BitSet b = new java.util.BitSet();
        a.set(0, 1000);
        b.set(0, 1000);
        a.set(1000, 1062);
        b.set(1062, 1100);
        assertTrue(Accuracy.significantlyAbovePaired(a, b));
        assertFalse(Accuracy.significantlyAbovePaired(b, a));
        assertFalse(Accuracy.significantlyAbove(1062, 1200, 1038, 1200));
    }
}
