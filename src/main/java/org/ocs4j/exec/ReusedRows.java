package org.ocs4j.exec;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A {@code [rows, columns]} array reused from call to call, for the vocabulary-sized logits of a language model's
 * windows: allocating 47–149 MB per window made ND4J wait for the garbage collector to free the previous ones (most of
 * an evaluation's or a training step's time on WikiText-2). The row count may vary between calls (a stream's last
 * window is shorter); the array grows when a call needs more rows. Not thread-safe.
 */
public final class ReusedRows {

    private final long columns;
    private final DataType type;
    private INDArray buffer;

    /**
     * @param columns width of every row, ≥ 1
     * @param type    element type
     */
    public ReusedRows(long columns, DataType type) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns " + columns + " must be at least 1");
        }
        this.columns = columns;
        this.type = type;
    }

    /** @return whether this holds rows of {@code columns} values of {@code type} */
    public boolean fits(long columns, DataType type) {
        return this.columns == columns && this.type == type;
    }

    /**
     * @param rows ≥ 1
     * @return the first {@code rows} rows of the reused c-order array (a contiguous view; its values are those the
     * previous caller left), valid until the next call
     */
    public INDArray rows(long rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows " + rows + " must be at least 1");
        }
        if (buffer == null || buffer.rows() < rows) {
            if (buffer != null) {
                buffer.close();
            }
            buffer = Nd4j.create(type, rows, columns);
        }
        return buffer.rows() == rows ? buffer : buffer.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
    }

    /** @return the whole reused array as one row-major vector (a view): element {@code row·columns + column} */
    public INDArray flat() {
        if (buffer == null) {
            throw new IllegalStateException("no rows were asked for yet");
        }
        return buffer.reshape(buffer.length());
    }
}
