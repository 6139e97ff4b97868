package org.ocs4j.sweep;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Wilson intervals and the two-proportion test, against values computed with scipy.stats.norm. */
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
}
