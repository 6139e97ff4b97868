package org.ocs4j.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Random calibration batches: the seeded permutation of {@code Collections.shuffle}, batched in order. */
class SamplingTest {

    @Test
    void drawsTheExamplesCollectionsShuffleWouldDrawInTheSameOrder() {
        INDArray features = Nd4j.arange(0, 50).castTo(DataType.FLOAT).reshape(50, 1, 1, 1);
        DataSet data = new DataSet(features, Nd4j.zeros(DataType.FLOAT, 50, 3));
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) expected.add(i);
        Collections.shuffle(expected, new Random(42));
        DataSetIterator it = Sampling.randomBatches(data, 3, 4, 42);
        List<Integer> got = new ArrayList<>();
        int batches = 0;
        while (it.hasNext()) {
            DataSet b = it.next();
            assertEquals(4, b.numExamples());
            for (float v : b.getFeatures().reshape(b.numExamples()).toFloatVector()) got.add((int) v);
            batches++;
        }
        assertEquals(3, batches);
        assertEquals(expected.subList(0, 12), got);
    }

    @Test
    void emptyDataAndZeroBatchesAreRefused() {
        DataSet empty = new DataSet(Nd4j.zeros(DataType.FLOAT, 0, 2), Nd4j.zeros(DataType.FLOAT, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> Sampling.randomBatches(empty, 1, 1, 1));
        DataSet one = new DataSet(Nd4j.zeros(DataType.FLOAT, 1, 2), Nd4j.zeros(DataType.FLOAT, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> Sampling.randomBatches(one, 0, 1, 1));
    }
}
