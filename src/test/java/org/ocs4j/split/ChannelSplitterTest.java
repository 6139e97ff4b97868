package org.ocs4j.split;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-worked cases of channel splitting; every expected array below was worked out on paper from the splitting
 * rules.
 */
class ChannelSplitterTest {

    private static INDArray column(double... values) {
        return Nd4j.createFromArray(values).reshape(values.length, 1).castTo(DataType.DOUBLE);
    }

    private static double[] flat(INDArray a) {
        return a.dup('c').reshape(a.length()).toDoubleVector();
    }

    @Test
    void splitCountIsCeilOfRatioTimesChannels() {
        assertEquals(0, ChannelSplitter.splitCount(0.0, 64));
        assertEquals(1, ChannelSplitter.splitCount(0.01, 64));
        assertEquals(2, ChannelSplitter.splitCount(0.2, 8));
        assertEquals(3, ChannelSplitter.splitCount(0.01, 300), "0.01·300 is 3 exactly, despite binary rounding");
        assertEquals(103, ChannelSplitter.splitCount(0.05, 2048));
        assertEquals(7, ChannelSplitter.splitCount(1.0, 7));
        assertThrows(IllegalArgumentException.class, () -> ChannelSplitter.splitCount(-0.01, 8));
        assertThrows(IllegalArgumentException.class, () -> ChannelSplitter.splitCount(1.5, 8));
        assertThrows(IllegalArgumentException.class, () -> ChannelSplitter.splitCount(Double.NaN, 8));
    }

    @Test
    void kZeroLeavesTheTensorUnchanged() {
        INDArray w = column(1, -2, 3);
        SplitResult r = ChannelSplitter.split(w, 0, 0, SplitOptions.PLAIN);
        assertArrayEquals(flat(w), flat(r.weights()));
        assertEquals(0, r.plan().splitCount());
    }

    @Test
    void splitsTheChannelWithTheLargestAbsoluteValue() {
        // Dense [nIn=3, nOut=2]; channel max|w| = 2, 4, 3 → channel 1 is halved into itself and channel 3.
        INDArray w = Nd4j.createFromArray(new double[][] {{1, -2}, {4, 0.5}, {-3, 1}});
        SplitResult r = ChannelSplitter.split(w, 0, 1, SplitOptions.PLAIN);
        assertArrayEquals(new long[] {4, 2}, r.weights().shape());
        assertArrayEquals(new double[] {1, -2, 2, 0.25, -3, 1, 2, 0.25}, flat(r.weights()));
        assertArrayEquals(new int[] {1}, r.plan().origin());
        assertEquals(4.0, r.plan().maxAbsBefore());
        assertEquals(3.0, r.plan().maxAbsAfter());
        assertArrayEquals(new double[] {1, -2, 4, 0.5, -3, 1}, flat(w), "the caller's array is not modified");
    }

    @Test
    void aHalfCanBeSplitAgainAndMapsToItsOriginalChannel() {
        // maxima 8, 1, 5 → split 0 (4,1,5,4) → split 2 (4,1,2.5,4,2.5) → split 0, the lowest of the tied 4s
        // (2,1,2.5,4,2.5,2) → split 3, an appended copy of channel 0 (2,1,2.5,2,2.5,2,2).
        SplitResult r = ChannelSplitter.split(column(8, 1, 5), 0, 4, SplitOptions.PLAIN);
        assertArrayEquals(new double[] {2, 1, 2.5, 2, 2.5, 2, 2}, flat(r.weights()));
        assertArrayEquals(new int[] {0, 2, 0, 3}, r.plan().splitChannels());
        assertArrayEquals(new int[] {0, 2, 0, 0}, r.plan().origin());
        assertEquals(2.5, r.plan().maxAbsAfter());
    }

    @Test
    void tiesGoToTheLowestIndex() {
        SplitResult r = ChannelSplitter.split(column(3, -3, 1), 0, 1, SplitOptions.PLAIN);
        assertArrayEquals(new int[] {0}, r.plan().origin());
        assertArrayEquals(new double[] {1.5, -3, 1, 1.5}, flat(r.weights()));
    }

    @Test
    void anAllZeroTensorSplitsChannelZeroIntoZeros() {
        INDArray w = Nd4j.zeros(DataType.FLOAT, 2, 2, 3, 3);
        SplitResult r = ChannelSplitter.split(w, 1, 1, SplitOptions.PLAIN);
        assertArrayEquals(new long[] {2, 3, 3, 3}, r.weights().shape());
        assertEquals(0.0, r.weights().amaxNumber().doubleValue());
        assertArrayEquals(new int[] {0}, r.plan().origin());
    }

    @Test
    void oneChannelSplitIntoAll() {
        SplitResult r = ChannelSplitter.split(column(-6), 0, 2, SplitOptions.PLAIN);
        assertArrayEquals(new double[] {-1.5, -3, -1.5}, flat(r.weights()));
        assertArrayEquals(new int[] {0, 0}, r.plan().origin());
    }

    @Test
    void expandRatioOneSplitsEveryChannelOnce() {
        INDArray w = Nd4j.createFromArray(new double[][] {{1, 2}, {-5, 1}, {3, 3}});
        int k = ChannelSplitter.splitCount(1.0, 3);
        SplitResult r = ChannelSplitter.split(w, 0, k, SplitOptions.PLAIN);
        // maxima 2, 5, 3 → split 1 (2, 2.5, 3, 2.5) → split 2 (2, 2.5, 1.5, 2.5, 1.5) → split 1 again.
        assertArrayEquals(new int[] {1, 2, 1}, r.plan().origin());
        assertArrayEquals(new double[] {1, 2, -1.25, 0.25, 1.5, 1.5, -2.5, 0.5, 1.5, 1.5, -1.25, 0.25},
                flat(r.weights()));
    }

    @Test
    void thresholdKeepsSmallEntriesWholeInTheOriginalCopy() {
        // One channel [4, 1, -3, 0.5] (a conv with nOut=4, nIn=1), t = 0.5: threshold 2, so 4 and -3 are halved,
        // 1 and 0.5 stay in the original copy and are 0 in the new one.
        INDArray w = Nd4j.createFromArray(new double[] {4, 1, -3, 0.5}).reshape(4, 1, 1, 1);
        SplitResult r = ChannelSplitter.split(w, 1, 1, new SplitOptions(0.5, false, Double.NaN));
        assertArrayEquals(new double[] {2, 2, 1, 0, -1.5, -1.5, 0.5, 0}, flat(r.weights()));
    }

    @Test
    void referenceQuirkUsesTheSignedMaximumInTheThreshold() {
        // Row [-4, 1, 1.8], t = 0.5: max|w| = 4 gives threshold 2 (only -4 halved); the signed max 1.8 gives 0.9.
        INDArray w = Nd4j.createFromArray(new double[] {-4, 1, 1.8}).reshape(1, 3);
        SplitResult normal = ChannelSplitter.split(w, 0, 1, new SplitOptions(0.5, false, Double.NaN));
        SplitResult quirk = ChannelSplitter.split(w, 0, 1, new SplitOptions(0.5, true, Double.NaN));
        assertArrayEquals(new double[] {-2, 1, 1.8, -2, 0, 0}, flat(normal.weights()));
        assertArrayEquals(new double[] {-2, 0.5, 0.9, -2, 0.5, 0.9}, flat(quirk.weights()));
    }

    @Test
    void gridAwareHalvesSumToTheOriginalAndSitAQuarterStepApart() {
        double s = 10.0;
        INDArray w = column(0.73, -0.2, 0.0);
        SplitResult r = ChannelSplitter.split(w, 0, 1, SplitOptions.PLAIN.withGridScale(s));
        double[] out = flat(r.weights());
        // u = 7.3 → (7.3/2 - 0.25)/10 = 0.34, (7.3/2 + 0.25)/10 = 0.39
        assertEquals(0.34, out[0], 1e-12);
        assertEquals(0.39, out[3], 1e-12);
        assertEquals(-0.2, out[1], 0.0);
        assertEquals(0.0, out[2], 0.0);
    }

    @Test
    void gridAwareRoundingIdentityHoldsForAMillionRandomValues() {
        // round-half-to-even (Math.rint, as torch.round): round(u/2 - 1/4) + round(u/2 + 1/4) == round(u).
        Random random = new Random(42);
        int plainMisses = 0;
        for (int i = 0; i < 1_000_000; i++) {
            double u = (random.nextDouble() * 2 - 1) * 127;
            double lower = Math.rint(u / 2 - 0.25);
            double upper = Math.rint(u / 2 + 0.25);
            assertEquals(Math.rint(u) + 0.0, lower + upper + 0.0, "u = " + u); // + 0.0 folds -0 into 0
            if (2 * Math.rint(u / 2) != Math.rint(u)) plainMisses++;
        }
        assertTrue(plainMisses > 400_000 && plainMisses < 600_000,
                "plain halving should be wrong about half the time, was " + plainMisses);
    }

    @Test
    void gridAwareSplitOfATensorAddsNoRoundingError() {
        Nd4j.getRandom().setSeed(7);
        INDArray w = Nd4j.randn(DataType.DOUBLE, 64, 32, 3, 3);
        double alpha = w.amaxNumber().doubleValue();
        double s = 127 / alpha;
        SplitResult r = ChannelSplitter.split(w, 1, 8, SplitOptions.PLAIN.withGridScale(s));
        int[] origin = r.plan().origin();
        // Sum of rounded copies of each original channel must equal the rounded original.
        INDArray q = rint(r.weights().mul(s));
        INDArray summed = q.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 32)).dup();
        for (int i = 0; i < origin.length; i++) {
            INDArray add = q.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(32 + i));
            INDArray target = summed.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(origin[i]));
            target.addi(add);
        }
        INDArray expected = rint(w.mul(s));
        assertEquals(0.0, summed.sub(expected).amaxNumber().doubleValue(), 0.0);
    }

    /** Round half to even with ND4J's Rint op (the reference's torch.round semantics). */
    private static INDArray rint(INDArray x) {
        return Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Rint(x.dup()));
    }

    @Test
    void copiesOfEveryChannelSumToTheOriginal() {
        Nd4j.getRandom().setSeed(3);
        INDArray w = Nd4j.randn(DataType.DOUBLE, 20, 6);
        SplitResult r = ChannelSplitter.split(w, 0, 9, new SplitOptions(0.3, false, Double.NaN));
        INDArray sum = r.weights().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 20),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).dup();
        int[] origin = r.plan().origin();
        for (int i = 0; i < origin.length; i++) {
            sum.getRow(origin[i]).addi(r.weights().getRow(20 + i));
        }
        assertEquals(0.0, sum.sub(w).amaxNumber().doubleValue(), 1e-15);
    }

    @Test
    void vectorizedHalvingMatchesTheStepByStepReplayBitForBit() {
        // Two independent implementations of plain halving: gather + 2^-depth scaling, and the greedy replay.
        Nd4j.getRandom().setSeed(11);
        SplitOptions replayPlain = new SplitOptions(0.0, false, Double.NaN);
        for (int axis = 0; axis < 4; axis++) {
            INDArray w = Nd4j.randn(DataType.FLOAT, 6, 5, 3, 4);
            w.putScalar(new long[] {1, 1, 1, 1}, 0.0f);
            int k = (int) (3 * w.size(axis));
            SplitResult fast = ChannelSplitter.splitByHalving(w, axis, k);
            SplitResult replay = ChannelSplitter.splitByReplay(w, axis, k, replayPlain);
            assertArrayEquals(replay.plan().origin(), fast.plan().origin(), "axis " + axis);
            assertArrayEquals(replay.plan().splitChannels(), fast.plan().splitChannels(), "axis " + axis);
            assertArrayEquals(replay.weights().shape(), fast.weights().shape());
            assertArrayEquals(flat(replay.weights()), flat(fast.weights()), 0.0, "axis " + axis);
            assertEquals(replay.plan().maxAbsAfter(), fast.plan().maxAbsAfter(), 0.0);
        }
    }

    @Test
    void rejectsNonFiniteWeightsAndBadArguments() {
        INDArray nan = column(1, Double.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChannelSplitter.split(nan, 0, 1, SplitOptions.PLAIN));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ChannelSplitter.split(column(1, Double.POSITIVE_INFINITY), 0, 1, SplitOptions.PLAIN));
        assertThrows(IllegalArgumentException.class, () -> ChannelSplitter.split(column(1, 2), 2, 1, SplitOptions.PLAIN));
        assertThrows(IllegalArgumentException.class, () -> ChannelSplitter.split(column(1, 2), 0, -1, SplitOptions.PLAIN));
        assertThrows(IllegalArgumentException.class, () -> new SplitOptions(1.0, false, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new SplitOptions(0.0, false, -1.0));
    }
}
