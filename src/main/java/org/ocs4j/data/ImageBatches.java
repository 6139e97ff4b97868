package org.ocs4j.data;

import org.datavec.image.loader.NativeImageLoader;
import org.datavec.image.transform.ImageTransform;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Batches of {@link LabelledImages} in order, each image decoded by DataVec's {@link NativeImageLoader} (OpenCV)
 * with the given transform, as DataVec's {@code ImageRecordReader} decodes it — but an image that cannot be decoded
 * is named in the error, with what to do about it. Features {@code [B, 3, H, W]} (or {@code [B, H, W, 3]}), labels
 * one-hot over the task's classes.
 */
final class ImageBatches extends SequentialBatches {

    private final LabelledImages images;
    private final NativeImageLoader loader;
    private final boolean channelsFirst;
    private final int batch;

    /**
     * @param images        the images and labels
     * @param height        decoded height
     * @param width         decoded width
     * @param transform     applied after decoding (colour order, crop), or null
     * @param channelsFirst NCHW features, else NHWC
     * @param batch         images per batch, ≥ 1
     */
    ImageBatches(LabelledImages images, int height, int width, ImageTransform transform, boolean channelsFirst,
                 int batch) {
        super(batch);
        this.images = images;
        this.loader = new NativeImageLoader(height, width, 3, transform);
        this.channelsFirst = channelsFirst;
        this.batch = batch;
    }

    /**
     * Decodes one image.
     *
     * @throws IllegalArgumentException naming the file when it cannot be decoded
     */
    static INDArray decode(NativeImageLoader loader, Path file, String description) {
        try {
            INDArray image = loader.asMatrix(file.toFile());
            if (image == null || image.isEmpty()) {
                throw new java.io.IOException("no pixels decoded");
            }
            return image;
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException(description + ": image " + file + " cannot be decoded (" + e.getMessage()
                    + "): replace or remove it, or pass --skip-unreadable to leave such images out and count them");
        }
    }

    @Override
    protected long end() {
        return images.size();
    }

    @Override
    protected DataSet nextBatch() {
        int start = (int) cursor;
        int n = Math.min(batch, images.size() - start);
        List<INDArray> decoded = new ArrayList<>(n);
        INDArray labels = Nd4j.zeros(n, images.numClasses());
        for (int i = 0; i < n; i++) {
            decoded.add(decode(loader, images.files().get(start + i), images.description()));
            labels.putScalar(i, images.labels()[start + i], 1.0);
        }
        cursor += n;
        INDArray features = Nd4j.concat(0, decoded.toArray(new INDArray[0]));
        return new DataSet(channelsFirst ? features : features.permute(0, 2, 3, 1).dup('c'), labels);
    }

    @Override
    public int inputColumns() {
        return -1;
    }

    @Override
    public int totalOutcomes() {
        return images.numClasses();
    }
}
