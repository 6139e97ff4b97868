package org.ocs4j.rewrite;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Budgeted OCS's allocation against a case worked by hand. */
class SplitBudgetTest {

    @Test
    void theBudgetGoesWherePredictedErrorFallsMostPerWeight() {
        // a: maxima (4, 1, 1), 10 weights per split, sensitivity 1: splitting the 4 gives max 2, gain 1·(1 − ¼) = 0.75
        //    for 10 weights (0.075 each);
        // b: maxima (2, 2, 1), 5 weights per split, sensitivity 2: both 2s must split (10 weights) for max 1, gain
        //    2·(1 − ¼) = 1.5 (0.15 each) → first; its next step (five channels at 1 → ½) costs 25 > what is left.
        // With 20 weights: b's step (10), then a's (10); nothing else fits.
        SplitBudget.Allocation a = SplitBudget.allocate(List.of(
                new SplitBudget.Candidate("a", new double[] {4, 1, 1}, 10, 1),
                new SplitBudget.Candidate("b", new double[] {2, 2, 1}, 5, 2)), 20);
        assertEquals(Map.of("a", 1, "b", 2), a.splitCounts());
        assertEquals(20, a.spent());
        SplitBudget.Allocation small = SplitBudget.allocate(List.of(
                new SplitBudget.Candidate("a", new double[] {4, 1, 1}, 10, 1),
                new SplitBudget.Candidate("b", new double[] {2, 2, 1}, 5, 2)), 9);
        assertEquals(Map.of(), small.splitCounts(), "no step fits 9 weights");
        assertEquals(0, small.spent());
    }
}
