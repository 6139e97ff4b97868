package org.ocs4j.eval;

/**
 * Top-1 and top-5 accuracy of a classifier over a data set, with the counts behind them and the speed.
 *
 * @param examples       images evaluated
 * @param top1Correct    images whose label is the highest-scoring class
 * @param top5Correct    images whose label is among the five highest-scoring classes
 * @param forwardSeconds time spent in the network's forward pass
 * @param totalSeconds   wall time including data loading and preprocessing
 * @param top1Hits       bit {@code i} set when example {@code i} (in data order) is top-1 correct: what paired tests
 *                       between two models scored on the same data need
 */
public record ClassificationResult(long examples, long top1Correct, long top5Correct, double forwardSeconds,
                                   double totalSeconds, java.util.BitSet top1Hits) {

    public ClassificationResult {
        top1Hits = (java.util.BitSet) top1Hits.clone();
    }

    @Override
    public java.util.BitSet top1Hits() {
        return (java.util.BitSet) top1Hits.clone();
    }

    /** @return top-1 accuracy in [0, 1] */
    public double top1() {
        return examples == 0 ? 0 : (double) top1Correct / examples;
    }

    /** @return top-5 accuracy in [0, 1] */
    public double top5() {
        return examples == 0 ? 0 : (double) top5Correct / examples;
    }

    /** @return images per second of the forward pass alone */
    public double forwardImagesPerSecond() {
        return forwardSeconds == 0 ? 0 : examples / forwardSeconds;
    }

    /** @return images per second end to end (decoding, preprocessing and forward) */
    public double imagesPerSecond() {
        return totalSeconds == 0 ? 0 : examples / totalSeconds;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "top-1 %.2f %% (%d/%d), top-5 %.2f %% (%d/%d); %.1f images/s end to end (%.1f s),"
                        + " %.1f images/s forward (%.1f s)",
                100 * top1(), top1Correct, examples, 100 * top5(), top5Correct, examples, imagesPerSecond(),
                totalSeconds, forwardImagesPerSecond(), forwardSeconds);
    }
}
