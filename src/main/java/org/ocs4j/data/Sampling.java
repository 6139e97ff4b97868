package org.ocs4j.data;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ocs4j.split.Channels;

import java.util.Random;

/** Random, seeded subsets of labelled data held in memory: calibration batches drawn from a training split. */
public final class Sampling {

    private Sampling() {
    }

    /** @return the permutation of {@code 0..n-1} that {@code Collections.shuffle(list, new Random(seed))} makes */
    public static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Random random = new Random(seed);
        for (int i = n; i > 1; i--) {
            int j = random.nextInt(i);
            int t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** @return all examples in the order of {@link #permutation} (a copy) */
    public static DataSet shuffled(DataSet data, long seed) {
        int[] order = permutation(data.numExamples(), seed);
        return new DataSet(Channels.gather(data.getFeatures(), 0, order), Channels.gather(data.getLabels(), 0, order));
    }

    /**
     * {@code batches × batchSize} examples drawn without replacement (the first of a seeded permutation, the one
     * {@code Collections.shuffle(list, new Random(seed))} makes), in batches of {@code batchSize}.
     *
     * @throws IllegalArgumentException when the data is empty or a count is below 1
     */
    public static DataSetIterator randomBatches(DataSet data, int batches, int batchSize, long seed) {
        if (batches < 1 || batchSize < 1) {
            throw new IllegalArgumentException("calibration needs at least one batch of at least one example, not "
                    + batches + " × " + batchSize);
        }
        int n = data.numExamples();
        if (n == 0) {
            throw new IllegalArgumentException("the data to draw calibration batches from is empty");
        }
        int[] picked = java.util.Arrays.copyOf(permutation(n, seed), Math.min(n, batches * batchSize));
        DataSet sample = new DataSet(Channels.gather(data.getFeatures(), 0, picked),
                Channels.gather(data.getLabels(), 0, picked));
        return new ListDataSetIterator<>(sample.batchBy(batchSize), 1);
    }
}
