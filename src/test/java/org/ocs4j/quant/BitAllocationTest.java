package org.ocs4j.quant;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mixed-precision allocation against a case worked by hand, and its refusals. */
class BitAllocationTest {

    private static final int[] WIDTHS = {2, 3, 4};

    /**
     * A: 100 weights, errors 0.9 / 0.3 / 0.1 at 2 / 3 / 4 bits; B: 10 weights, 0.5 / 0.05 / 0.01; C: 10 weights,
     * 0.2 / 0.1 / 0.0999 (insensitive from 3 bits). Budget 3.8 bits of 120 weights = 456 bits; all at 4 bits hold
     * 480. Narrowing, cost per bit saved: C 4→3 (0.0001/10 = 1e-5) beats A (0.2/100 = 0.002) and B (0.004): 470 bits.
     * Then C 3→2 costs 0.01, A 0.002, B 0.004: A goes to 3 bits, 370 bits, below the budget. Widening within 456
     * bits: A 3→4 needs 100 more (470, too many); C 3→4 needs 10 (380) and gains 1e-5 per bit: C back to 4 bits.
     * Result A 3, B 4, C 4: 380 / 120 = 3.1667 bits per weight, predicted error 0.3 + 0.01 + 0.0999.
     */
    @Test
    void greedyNarrowingThenWideningMatchesTheHandWorkedCase() {
        BitAllocation.Result r = BitAllocation.allocate(List.of(
                new BitAllocation.Layer("A", 100, new double[]{0.9, 0.3, 0.1}),
                new BitAllocation.Layer("B", 10, new double[]{0.5, 0.05, 0.01}),
                new BitAllocation.Layer("C", 10, new double[]{0.2, 0.1, 0.0999})), WIDTHS, 3.8);
        System.out.println(r.describe());
        assertEquals(Map.of("A", 3, "B", 4, "C", 4), r.bits());
        assertEquals(List.of("A", "B", "C"), List.copyOf(r.bits().keySet()), "in the order given");
        assertEquals(380.0 / 120, r.averageBits(), 1e-12);
        assertEquals(0.3 + 0.01 + 0.0999, r.predictedError(), 1e-12);
        assertEquals("3.17 bits per weight (budget 3.8): A 3, B 4, C 4", r.describe());
    }

    @Test
    void theWidestBudgetKeepsEveryLayerWideAndTheNarrowestNarrowsAll() {
        List<BitAllocation.Layer> layers = List.of(new BitAllocation.Layer("A", 7, new double[]{3, 2, 1}),
                new BitAllocation.Layer("B", 5, new double[]{1, 0.5, 0.2}));
        assertEquals(Map.of("A", 4, "B", 4), BitAllocation.allocate(layers, WIDTHS, 4).bits());
        assertEquals(Map.of("A", 2, "B", 2), BitAllocation.allocate(layers, WIDTHS, 2).bits());
    }

    @Test
    void refusesWhatItCannotAllocate() {
        List<BitAllocation.Layer> one = List.of(new BitAllocation.Layer("A", 7, new double[]{3, 2, 1}));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BitAllocation.allocate(one, WIDTHS, 4.5))
                .getMessage().contains("outside the candidate widths"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BitAllocation.allocate(one, new int[]{4, 3, 2},
                3)).getMessage().contains("not strictly increasing"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BitAllocation.allocate(one, new int[]{2, 3},
                3)).getMessage().contains("A: 3 errors for 2 candidate widths"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BitAllocation.allocate(List.of(), WIDTHS, 3))
                .getMessage().contains("no layer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BitAllocation.Layer("A", 7,
                new double[]{Double.NaN, 1, 1})).getMessage().contains("A: measured error NaN is not finite"));
        assertThrows(IllegalArgumentException.class, () -> BitAllocation.allocate(one, new int[]{1, 2, 3}, 2));
    }

    @Test
    void candidateWidthsRunFromTwoBelowToFourAboveWithinTwoToSixteen() {
        assertArrayEquals(new int[]{2, 3, 4, 5, 6, 7, 8}, BitAllocation.candidateWidths(4));
        assertArrayEquals(new int[]{6, 7, 8, 9, 10, 11, 12}, BitAllocation.candidateWidths(8));
        assertArrayEquals(new int[]{2, 3, 4, 5, 6}, BitAllocation.candidateWidths(2));
        assertArrayEquals(new int[]{12, 13, 14, 15, 16}, BitAllocation.candidateWidths(14));
        assertThrows(IllegalArgumentException.class, () -> BitAllocation.candidateWidths(17));
    }
}
