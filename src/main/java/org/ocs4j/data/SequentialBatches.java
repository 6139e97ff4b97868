package org.ocs4j.data;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * The bookkeeping of ocs4j's own {@link DataSetIterator}s, which read their source in order from a cursor: a fixed
 * batch, reset to the start, the optional pre-processor applied to every batch, no label names. Subclasses say how
 * long the source is and make one batch.
 */
abstract class SequentialBatches implements DataSetIterator {

    private final int batch;
    private DataSetPreProcessor preProcessor;
    /** Where the next batch starts, in the subclass's unit (examples, time steps). */
    protected long cursor;

    /** @param batch examples per batch, ≥ 1 (checked by the subclass, which names it) */
    SequentialBatches(int batch) {
        this.batch = batch;
    }

    /** @return the cursor's end: {@link #hasNext()} while {@code cursor < end()} */
    protected abstract long end();

    /** @return the batch starting at {@link #cursor}, which it advances */
    protected abstract DataSet nextBatch();

    @Override
    public final boolean hasNext() {
        return cursor < end();
    }

    @Override
    public final DataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more batches");
        }
        DataSet ds = nextBatch();
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    @Override
    public DataSet next(int num) {
        throw new UnsupportedOperationException("the batch is fixed (" + batch + "); use next()");
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public final void reset() {
        cursor = 0;
    }

    @Override
    public final int batch() {
        return batch;
    }

    @Override
    public final void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public final DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
