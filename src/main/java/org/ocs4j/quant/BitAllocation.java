package org.ocs4j.quant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Mixed precision by sensitivity: one weight bit width per layer under a budget of average bits per weight. Each
 * layer comes with its weight count {@code n_l} and its measured error {@code E_l(b)} at every candidate width
 * {@code b} (the network's output error with that layer alone quantized to {@code b} bits, the others FP32); errors
 * of different layers are taken to add up. Greedy, as AIMET's and HAWQ's allocators: every layer starts at the
 * widest candidate; while the model holds more than {@code budget · Σ n_l} bits, the layer whose next narrower width
 * costs the least added error per bit saved, {@code (E_l(b−1) − E_l(b)) / n_l}, loses one step. Then, while some
 * layer can be widened by one step within the budget, the one whose step saves the most error per added bit gains it
 * (the last narrowing can undershoot). Ties go to the layer given first.
 */
public final class BitAllocation {

    private BitAllocation() {
    }

    /**
     * One layer to give a width.
     *
     * @param name    its name (node name)
     * @param weights how many weights it holds ({@code n_l} &gt; 0)
     * @param errors  its error at each candidate width, in the order of the widths given to {@link #allocate}
     */
    public record Layer(String name, long weights, double[] errors) {
        public Layer {
            if (weights <= 0) {
                throw new IllegalArgumentException(name + ": " + weights + " weights; a layer needs at least one");
            }
            errors = errors.clone();
            for (double e : errors) {
                if (!Double.isFinite(e)) {
                    throw new IllegalArgumentException(name + ": measured error " + e + " is not finite");
                }
            }
        }
    }

    /**
     * What the budget bought.
     *
     * @param bits         layer name → weight bit width, in the order the layers were given
     * @param averageBits  the resulting bits per weight, {@code Σ n_l b_l / Σ n_l} (at most the budget)
     * @param budget       the budget of average bits per weight
     * @param predictedError the sum of the chosen widths' measured errors
     */
    public record Result(Map<String, Integer> bits, double averageBits, double budget, double predictedError) {
        public Result {
            bits = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bits));
        }

        /** @return e.g. {@code 4.00 bits per weight (budget 4): conv1 8, conv2 4, fc 3} */
        public String describe() {
            return describe(java.util.function.UnaryOperator.identity());
        }

        /** @return {@link #describe()} with each layer called {@code label.apply(name)} */
        public String describe(java.util.function.UnaryOperator<String> label) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%.2f bits per weight (budget %s):",
                    averageBits, budget == Math.rint(budget) ? String.valueOf((long) budget) : String.valueOf(budget)));
            bits.forEach((name, b) -> sb.append(' ').append(label.apply(name)).append(' ').append(b).append(','));
            sb.setLength(sb.length() - 1);
            return sb.toString();
        }
    }

    /**
     * @param layers the layers, each with one error per width
     * @param widths the candidate bit widths, strictly increasing, each 2..16
     * @param budget the average bits per weight allowed, from {@code widths[0]} to the widest candidate
     * @throws IllegalArgumentException when there is no layer, the widths are not increasing valid bit widths, a
     *                                  layer's errors do not match them, or the budget is outside the widths
     */
    public static Result allocate(List<Layer> layers, int[] widths, double budget) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("no layer to give a bit width");
        }
        if (widths.length == 0) {
            throw new IllegalArgumentException("no candidate bit width");
        }
        for (int i = 0; i < widths.length; i++) {
            FixedPointGrid.signed(widths[i]);
            if (i > 0 && widths[i] <= widths[i - 1]) {
                throw new IllegalArgumentException("candidate bit widths " + Arrays.toString(widths)
                        + " are not strictly increasing");
            }
        }
        if (!(budget >= widths[0] && budget <= widths[widths.length - 1])) {
            throw new IllegalArgumentException("a budget of " + budget + " average bits is outside the candidate"
                    + " widths " + Arrays.toString(widths));
        }
        long total = 0;
        for (Layer l : layers) {
            if (l.errors().length != widths.length) {
                throw new IllegalArgumentException(l.name() + ": " + l.errors().length + " errors for "
                        + widths.length + " candidate widths");
            }
            total += l.weights();
        }
        int[] step = new int[layers.size()];
        Arrays.fill(step, widths.length - 1);
        // bits are counted exactly in long arithmetic; the budget in bits is rounded down
        long allowed = (long) Math.floor(budget * total + 1e-9);
        long used = (long) widths[widths.length - 1] * total;
        while (used > allowed) {
            int best = -1;
            double bestCost = Double.POSITIVE_INFINITY;
            for (int i = 0; i < step.length; i++) {
                if (step[i] == 0) continue;
                Layer l = layers.get(i);
                double cost = (l.errors()[step[i] - 1] - l.errors()[step[i]])
                        / ((double) l.weights() * (widths[step[i]] - widths[step[i] - 1]));
                if (cost < bestCost) {
                    bestCost = cost;
                    best = i;
                }
            }
            used -= layers.get(best).weights() * (widths[step[best]] - widths[step[best] - 1]);
            step[best]--;
        }
        while (true) {
            int best = -1;
            double bestGain = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < step.length; i++) {
                if (step[i] == widths.length - 1) continue;
                Layer l = layers.get(i);
                long extra = l.weights() * (widths[step[i] + 1] - widths[step[i]]);
                if (used + extra > allowed) continue;
                double gain = (l.errors()[step[i]] - l.errors()[step[i] + 1]) / (double) extra;
                if (gain > bestGain) {
                    bestGain = gain;
                    best = i;
                }
            }
            if (best < 0 || bestGain <= 0) break;
            used += layers.get(best).weights() * (widths[step[best] + 1] - widths[step[best]]);
            step[best]++;
        }
        Map<String, Integer> bits = new LinkedHashMap<>();
        double error = 0;
        for (int i = 0; i < step.length; i++) {
            bits.put(layers.get(i).name(), widths[step[i]]);
            error += layers.get(i).errors()[step[i]];
        }
        return new Result(bits, (double) used / total, budget, error);
    }

    /**
     * The candidate widths mixed precision chooses among for a budget of {@code bits} average bits: from
     * {@code bits − 2} to {@code bits + 4}, within 2..16 — narrow enough that no layer is pushed to a width its
     * neighbours in the table never use, wide enough that a small sensitive layer (a first convolution, a
     * depthwise layer) can keep 8 bits in a 4-bit model.
     */
    public static int[] candidateWidths(int bits) {
        FixedPointGrid.signed(bits);
        List<Integer> out = new ArrayList<>();
        for (int b = Math.max(2, bits - 2); b <= Math.min(16, bits + 4); b++) {
            out.add(b);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
