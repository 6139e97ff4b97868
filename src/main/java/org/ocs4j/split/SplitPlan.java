package org.ocs4j.split;

import java.util.Arrays;

/**
 * The outcome of splitting the input channels of one weight tensor.
 *
 * @param originalChannels number of input channels before splitting ({@code C_in})
 * @param splitChannels    the channel split at each greedy step, in order; an index {@code ≥ C_in} is an appended
 *                         channel split again
 * @param origin           for appended channel {@code C_in + i}, the original channel it copies
 *                         ({@code origin[i] < C_in}); the layer's input must carry a duplicate of that channel there
 * @param maxAbsBefore     {@code max|w|} of the tensor before splitting
 * @param maxAbsAfter      {@code max|w|} of the widened tensor
 */
public record SplitPlan(int originalChannels, int[] splitChannels, int[] origin, double maxAbsBefore,
                        double maxAbsAfter) {

    public SplitPlan {
        splitChannels = splitChannels.clone();
        origin = origin.clone();
    }

    /** @return the number of appended channels ({@code k}) */
    public int splitCount() {
        return origin.length;
    }

    /** @return the widened channel count {@code C_in + k} */
    public int widenedChannels() {
        return originalChannels + origin.length;
    }

    /**
     * @return for every channel of the widened tensor ({@code C + k}), how many times it was halved: with plain
     * halving and threshold 0 every copy of channel {@code c} is {@code w_c · 2^-depth}
     */
    public int[] depths() {
        int[] depth = new int[widenedChannels()];
        for (int i = 0; i < splitChannels.length; i++) {
            depth[splitChannels[i]]++;
            depth[originalChannels + i] = depth[splitChannels[i]];
        }
        return depth;
    }

    @Override
    public int[] splitChannels() {
        return splitChannels.clone();
    }

    @Override
    public int[] origin() {
        return origin.clone();
    }

    @Override
    public String toString() {
        return "SplitPlan[C=" + originalChannels + ", k=" + origin.length + ", origin=" + Arrays.toString(origin)
                + ", max|w| " + maxAbsBefore + " -> " + maxAbsAfter + "]";
    }
}
