package org.ocs4j.data;

import org.datavec.api.io.labels.PathLabelGenerator;
import org.datavec.api.split.CollectionInputSplit;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.Writable;
import org.datavec.image.recordreader.ImageRecordReader;
import org.datavec.image.transform.ColorConversionTransform;
import org.datavec.image.transform.ImageTransform;
import org.datavec.image.transform.PipelineImageTransform;
import org.deeplearning4j.datasets.datavec.RecordReaderDataSetIterator;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;

/**
 * An ordered list of image files with their class index: what {@link ImageNetValidation} and {@link Cifar10} find on
 * disk, turned into a DataVec {@link ImageRecordReader} iterator with one {@link ImagePreprocessing}.
 *
 * @param description where the images came from, for reports
 * @param files       the image files, in evaluation order
 * @param labels      the class index of each file
 * @param numClasses  the number of classes of the task (1000 for ImageNet even when a subset is present)
 */
public record LabelledImages(String description, List<Path> files, int[] labels, int numClasses) {

    public LabelledImages {
        files = List.copyOf(files);
        if (files.isEmpty()) {
            throw new IllegalArgumentException(description + ": no images");
        }
        if (labels.length != files.size()) {
            throw new IllegalArgumentException(description + ": " + files.size() + " files but " + labels.length
                    + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(description + ": " + files.get(i) + " has class " + labels[i]
                        + ", outside 0.." + (numClasses - 1));
            }
        }
        labels = labels.clone();
    }

    /** @return the number of images */
    public int size() {
        return files.size();
    }

    /** @return the first {@code n} images (all when fewer) */
    public LabelledImages first(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("image count " + n + " must be at least 1");
        }
        int m = Math.min(n, size());
        int[] head = new int[m];
        System.arraycopy(labels, 0, head, 0, m);
        return new LabelledImages(description + " (first " + m + ")", files.subList(0, m), head, numClasses);
    }

    /**
     * A random sample without repeats (e.g. calibration images), reproducible from {@code seed}.
     *
     * @return {@code n} images (all, shuffled, when fewer), in the sample's order
     */
    public LabelledImages sample(int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("image count " + n + " must be at least 1");
        }
        List<Integer> order = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, size()).boxed().toList());
        java.util.Collections.shuffle(order, new java.util.Random(seed));
        int m = Math.min(n, size());
        List<Path> picked = new java.util.ArrayList<>(m);
        int[] pickedLabels = new int[m];
        for (int i = 0; i < m; i++) {
            picked.add(files.get(order.get(i)));
            pickedLabels[i] = labels[order.get(i)];
        }
        return new LabelledImages(description + " (random " + m + ", seed " + seed + ")", picked, pickedLabels,
                numClasses);
    }

    /**
     * A DataSetIterator over the images in order: features {@code [B, 3, H, W]} (or {@code [B, H, W, 3]}) decoded by
     * DataVec's {@code NativeImageLoader} (OpenCV), geometry and normalization from {@code preprocessing}; labels
     * one-hot over {@link #numClasses}.
     */
    public DataSetIterator iterator(ImagePreprocessing preprocessing, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be at least 1");
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException(description + ": image " + f + " does not exist");
            }
        }
        List<ImageTransform> transforms = new ArrayList<>();
        if (!preprocessing.normalization().bgr()) {
            transforms.add(new ColorConversionTransform(COLOR_BGR2RGB)); // OpenCV decodes to BGR
        }
        if (preprocessing.resizeShorterSide() > 0) {
            transforms.add(new ShorterSideCenterCrop(preprocessing.resizeShorterSide(), preprocessing.height(),
                    preprocessing.width()));
        } // else NativeImageLoader resizes straight to height × width (bilinear)
        ImageTransform transform = transforms.isEmpty() ? null
                : new PipelineImageTransform(transforms.toArray(new ImageTransform[0]));
        ImageRecordReader reader = new ImageRecordReader(preprocessing.height(), preprocessing.width(), 3,
                preprocessing.layout() == CNN2DFormat.NCHW, new IndexLabels(files, labels), transform);
        List<URI> uris = files.stream().map(Path::toUri).toList();
        try {
            reader.initialize(new CollectionInputSplit(uris));
        } catch (IOException e) {
            throw new UncheckedIOException(description + ": cannot open the images", e);
        }
        RecordReaderDataSetIterator it = new RecordReaderDataSetIterator(reader, batchSize, 1, numClasses);
        it.setPreProcessor(new ImageNormalizer(preprocessing));
        return it;
    }

    /** Labels from the file → index map (already integers, so DataVec does not infer label strings). */
    private static final class IndexLabels implements PathLabelGenerator {
        private final Map<String, Integer> byPath = new HashMap<>();

        IndexLabels(List<Path> files, int[] labels) {
            for (int i = 0; i < files.size(); i++) {
                byPath.put(files.get(i).toAbsolutePath().normalize().toString(), labels[i]);
            }
        }

        @Override
        public Writable getLabelForPath(String path) {
            Integer label = byPath.get(Path.of(path).toAbsolutePath().normalize().toString());
            if (label == null) {
                throw new IllegalStateException("no label for " + path);
            }
            return new IntWritable(label);
        }

        @Override
        public Writable getLabelForPath(URI uri) {
            return getLabelForPath(Path.of(uri).toString());
        }

        @Override
        public boolean inferLabelClasses() {
            return false;
        }
    }
}
