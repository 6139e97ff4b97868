package org.ocs4j.data;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Labelled batches decoded once and served from memory on every later pass (a sweep scores every cell on the same
 * images, and decoding JPEGs costs as much as a MobileNet forward pass): the first {@link #get()} reads the source
 * through and keeps its batches while they fit in {@code budgetBytes}; beyond it, the data is read from the source on
 * every pass instead, which is logged once.
 */
public final class CachedBatches implements Supplier<DataSetIterator> {

    private static final Logger LOG = LoggerFactory.getLogger(CachedBatches.class);

    private final Supplier<DataSetIterator> source;
    private final long budgetBytes;
    private List<DataSet> batches;
    private boolean streaming;

    /**
     * @param source      a fresh iterator over the data for every call
     * @param budgetBytes the most memory the decoded batches may take (features and labels)
     */
    public CachedBatches(Supplier<DataSetIterator> source, long budgetBytes) {
        this.source = source;
        this.budgetBytes = budgetBytes;
    }

    /** @return an iterator over the batches, from memory after the first call when they fit */
    @Override
    public synchronized DataSetIterator get() {
        if (batches != null) {
            return new ListDataSetIterator<>(batches, 1);
        }
        DataSetIterator it = source.get();
        if (streaming) {
            return it;
        }
        List<DataSet> kept = new ArrayList<>();
        long bytes = 0;
        while (it.hasNext()) {
            org.nd4j.linalg.dataset.api.DataSet b = it.next();
            bytes += (b.getFeatures().length() + b.getLabels().length()) * b.getFeatures().dataType().width();
            if (bytes > budgetBytes) {
                streaming = true;
                LOG.info("the data takes more than {} MB decoded: it is read again on every pass",
                        budgetBytes >> 20);
                return source.get();
            }
            kept.add(new DataSet(b.getFeatures().dup(), b.getLabels().dup())); // an iterator may reuse its buffers
        }
        batches = List.copyOf(kept);
        return new ListDataSetIterator<>(batches, 1);
    }
}
