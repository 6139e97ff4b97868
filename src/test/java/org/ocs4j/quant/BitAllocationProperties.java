package org.ocs4j.quant;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mixed-precision allocation on random layers: the budget is never exceeded, every width is a candidate, and no
 * single layer could be widened by one step within the budget with a lower measured error.
 */
class BitAllocationProperties {

    @Property(tries = 300)
    void staysWithinTheBudgetAndLeavesNoAffordableImprovement(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int n,
                                                             @ForAll @DoubleRange(min = 0, max = 1) double fraction) {
        Random random = new Random(seed);
        int[] widths = BitAllocation.candidateWidths(2 + random.nextInt(12));
        List<BitAllocation.Layer> layers = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < n; i++) {
            long weights = 1 + random.nextInt(5000);
            double[] errors = new double[widths.length];
            double e = random.nextDouble() * 10;
            for (int w = 0; w < widths.length; w++) {
                errors[w] = e;
                e *= 0.1 + 0.8 * random.nextDouble(); // errors fall with width, at random rates
            }
            layers.add(new BitAllocation.Layer("l" + i, weights, errors));
            total += weights;
        }
        double budget = widths[0] + fraction * (widths[widths.length - 1] - widths[0]);
        BitAllocation.Result r = BitAllocation.allocate(layers, widths, budget);
        long used = 0;
        for (BitAllocation.Layer l : layers) {
            int b = r.bits().get(l.name());
            assertTrue(b >= widths[0] && b <= widths[widths.length - 1], l.name() + " at " + b);
            used += l.weights() * b;
        }
        assertTrue(used <= Math.floor(budget * total + 1e-9), used + " bits for a budget of " + budget * total);
        for (BitAllocation.Layer l : layers) {
            int b = r.bits().get(l.name());
            int step = b - widths[0];
            if (b < widths[widths.length - 1]) {
                boolean affordable = used + l.weights() <= Math.floor(budget * total + 1e-9);
                boolean better = l.errors()[step + 1] < l.errors()[step];
                assertTrue(!(affordable && better), l.name() + " could still be widened from " + b + " bits");
            }
        }
    }
}
