package org.ocs4j.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;


/**
 * Truncated-BPTT windows over a token stream in DL4J's RNN layout (NCW): the stream is cut into {@code batch}
 * contiguous rows (the tail that does not fill a row is dropped, as in PyTorch's {@code batchify}), and each
 * {@link #next()} returns the next {@code length} steps of every row: features {@code [batch, 1, T]} token ids (for an
 * {@code EmbeddingSequenceLayer}), labels {@code [batch, 1, T]} the following token ids (for a sparse softmax
 * cross-entropy). Row {@code i} of window {@code k+1} continues row {@code i} of window {@code k}, so recurrent state
 * may be carried across windows. The last window may be shorter than {@code length}.
 */
public final class BpttIterator extends SequentialBatches {

    private final INDArray rows; // [batch, stepsPerRow + 1] (float token ids)
    private final int batch;
    private final int length;
    private final long steps;

    /**
     * @param tokens the token ids in order
     * @param batch  number of parallel rows (≥ 1)
     * @param length window length T (≥ 1)
     */
    public BpttIterator(int[] tokens, int batch, int length) {
        super(requireBatch(batch));
        if (length < 1) {
            throw new IllegalArgumentException("sequence length " + length + " must be at least 1");
        }
        if (tokens.length == 0) {
            throw new IllegalArgumentException("the token stream is empty");
        }
        long perRow = tokens.length / batch;
        if (perRow < 2) {
            throw new IllegalArgumentException(tokens.length + " tokens are too few for " + batch + " rows (each row"
                    + " needs an input and a target)");
        }
        this.batch = batch;
        this.length = length;
        this.steps = perRow - 1;
        this.rows = Nd4j.createFromArray(tokens).get(NDArrayIndex.interval(0, perRow * batch))
                .castTo(DataType.FLOAT).reshape('c', batch, perRow);
    }

    /** @return the number of predicted tokens over one pass ({@code batch × (rowLength − 1)}) */
    public long predictedTokens() {
        return batch * steps;
    }

    private static int requireBatch(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch " + batch + " must be at least 1");
        }
        return batch;
    }

    @Override
    protected long end() {
        return steps;
    }

    @Override
    protected DataSet nextBatch() {
        long t = Math.min(length, steps - cursor);
        INDArray x = rows.get(NDArrayIndex.all(), NDArrayIndex.interval(cursor, cursor + t)).dup('c')
                .reshape('c', batch, 1, t);
        INDArray y = rows.get(NDArrayIndex.all(), NDArrayIndex.interval(cursor + 1, cursor + 1 + t)).dup('c')
                .reshape('c', batch, 1, t);
        cursor += t;
        return new DataSet(x, y);
    }

    @Override
    public int inputColumns() {
        return 1;
    }

    @Override
    public int totalOutcomes() {
        return -1;
    }
}
