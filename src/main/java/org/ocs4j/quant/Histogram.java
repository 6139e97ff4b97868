package org.ocs4j.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * Equal-width bins over {@code [lo, hi]}, counts accumulated batch by batch (memory independent of the number of
 * batches). Values outside the range are counted in the edge bins.
 */
public final class Histogram {

    private final double lo;
    private final double hi;
    private final double[] counts;

    /** An empty histogram of {@code bins} bins over {@code [lo, hi]}, {@code lo < hi}. */
    public Histogram(double lo, double hi, int bins) {
        if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi) || bins < 1) {
            throw new IllegalArgumentException("histogram range [" + lo + ", " + hi + "] with " + bins + " bins");
        }
        this.lo = lo;
        this.hi = hi;
        this.counts = new double[bins];
    }

    /**
     * Counts every value of {@code values} exactly as {@code numpy.histogram(values, bins, range=(lo, hi))} bins it,
     * in the values' own precision (float32 for float32 values), with ND4J ops: the fractional bin position
     * {@code (x − lo) · (bins / (hi − lo))}, floored, then moved one bin down where {@code x} lies below that bin's
     * lower edge and one up where it reaches the next edge, the edges being numpy's {@code linspace} values
     * {@code k · ((hi − lo) / bins) + lo} — so values within rounding of an edge land where numpy puts them. The bin
     * indices are counted by ND4J's {@code Histogram} op over {@code [0, bins]}, pinned by two sentinel values that
     * are taken out again. Values outside {@code [lo, hi]} are counted in the end bins.
     */
    public void add(INDArray values) {
        int bins = counts.length;
        INDArray x = values.reshape(values.length());
        boolean single = x.dataType() == DataType.FLOAT;
        double low = single ? (float) lo : lo;
        double range = single ? (float) ((float) hi - (float) low) : hi - low;
        double norm = single ? (float) bins / (float) range : bins / range;
        double step = single ? (float) range / (float) bins : range / bins;
        INDArray k = Transforms.floor(x.sub(low).muli(norm), false);
        Transforms.max(k, 0.0, false);
        Transforms.min(k, bins - 1, false);
        k.subi(x.lt(k.mul(step).addi(low)).castTo(k.dataType()));
        INDArray next = k.add(1.0).muli(step).addi(low);
        INDArray reachesNext = x.lt(next).castTo(k.dataType()).rsubi(1.0);
        k.addi(reachesNext.muli(k.neq(bins - 1).castTo(k.dataType())));
        Transforms.max(k, 0.0, false);
        INDArray pinned = Nd4j.concat(0, k.addi(0.5), Nd4j.createFromArray(0.0, (double) bins).castTo(k.dataType()));
        INDArray out = Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.transforms.Histogram(pinned, bins))[0];
        double[] batch = out.castTo(DataType.DOUBLE).toDoubleVector();
        batch[0] -= 1;
        batch[bins - 1] -= 1;
        for (int i = 0; i < bins; i++) {
            counts[i] += batch[i];
        }
    }

    /** Replaces the counts (restoring a saved histogram of the same shape). */
    void restore(double[] saved) {
        if (saved.length != counts.length) {
            throw new IllegalArgumentException("a saved histogram has " + saved.length + " bins, expected " + counts.length);
        }
        System.arraycopy(saved, 0, counts, 0, counts.length);
    }

    /** @return the number of bins */
    public int bins() {
        return counts.length;
    }

    /** @return the lower edge of the range */
    public double lo() {
        return lo;
    }

    /** @return the upper edge of the range */
    public double hi() {
        return hi;
    }

    /** @return the bin width */
    public double width() {
        return (hi - lo) / counts.length;
    }

    /** @return the centre of bin {@code i} */
    public double centre(int i) {
        return lo + (i + 0.5) * width();
    }

    /** @return the edge {@code e} (0 = lo, bins() = hi) */
    public double edge(int e) {
        return lo + e * width();
    }

    /** @return a copy of the counts */
    public double[] counts() {
        return counts.clone();
    }

    /** @return the counts divided by their sum */
    public double[] masses() {
        double total = Arrays.stream(counts).sum();
        if (total == 0) {
            throw new IllegalStateException("the histogram is empty: no values were observed");
        }
        return Arrays.stream(counts).map(c -> c / total).toArray();
    }
}
