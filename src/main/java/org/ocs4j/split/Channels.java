package org.ocs4j.split;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Channel-axis array operations shared by splitting and rewriting, all single ND4J ops. */
public final class Channels {

    /** Index meaning "a zero slice" in {@link #gather}. */
    public static final int ZERO = -1;

    private Channels() {
    }

    /**
     * Gathers slices of {@code a} along {@code axis}: slice {@code i} of the result is slice {@code index[i]} of
     * {@code a}, or zeros where {@code index[i] == ZERO}.
     */
    public static INDArray gather(INDArray a, int axis, int[] index) {
        long size = a.size(axis);
        boolean zeros = false;
        int[] idx = index.clone();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] == ZERO) {
                idx[i] = (int) size;
                zeros = true;
            } else if (idx[i] < 0 || idx[i] >= size) {
                throw new IllegalArgumentException("channel index " + idx[i] + " is outside [0, " + size + ")");
            }
        }
        INDArray source = a;
        if (zeros) {
            long[] shape = a.shape().clone();
            shape[axis] = 1;
            source = Nd4j.concat(axis, a, Nd4j.zeros(a.dataType(), shape));
        }
        return Nd4j.exec(new Gather(source, Nd4j.createFromArray(idx), axis))[0];
    }

    /**
     * The inverse of duplicating channels: the first {@code channels} slices of {@code widened} along {@code axis},
     * with every appended slice {@code channels + i} added to slice {@code origin[i]} (a new array).
     */
    public static INDArray fold(INDArray widened, int axis, int channels, int[] origin) {
        // A dense copy first: on a view (a layer's weight inside the network's parameter vector) ND4J M2.1's
        // get(point(last channel)) can come back empty (seen on a 4-d conv weight, index 23 of 24)
        INDArray dense = widened.dup('c');
        INDArray folded = dense.get(along(dense.rank(), axis, NDArrayIndex.interval(0, channels))).dup();
        for (int i = 0; i < origin.length; i++) {
            folded.get(along(dense.rank(), axis, NDArrayIndex.point(origin[i])))
                    .addi(dense.get(along(dense.rank(), axis, NDArrayIndex.point(channels + i))));
        }
        return folded;
    }

    /** @return the leading part of {@code a} of the given shape, {@code shape[d] ≤ a.size(d)} on every axis (a view) */
    public static INDArray leading(INDArray a, long[] shape) {
        INDArrayIndex[] index = new INDArrayIndex[shape.length];
        for (int d = 0; d < shape.length; d++) {
            index[d] = NDArrayIndex.interval(0, shape[d]);
        }
        return a.get(index);
    }

    private static INDArrayIndex[] along(int rank, int axis, INDArrayIndex index) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        for (int d = 0; d < rank; d++) {
            idx[d] = d == axis ? index : NDArrayIndex.all();
        }
        return idx;
    }

    /** @return {@code [0, 1, …, n-1]} followed by {@code extra} */
    public static int[] identityThen(int n, int[] extra) {
        int[] idx = new int[n + extra.length];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        System.arraycopy(extra, 0, idx, n, extra.length);
        return idx;
    }

    /** @return every axis of a rank-{@code rank} array but {@code axis} */
    public static int[] otherAxes(int rank, int axis) {
        int[] dims = new int[rank - 1];
        for (int d = 0, i = 0; d < rank; d++) {
            if (d != axis) dims[i++] = d;
        }
        return dims;
    }
}
