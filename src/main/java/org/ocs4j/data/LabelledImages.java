package org.ocs4j.data;

import org.datavec.image.loader.NativeImageLoader;
import org.datavec.image.transform.ColorConversionTransform;
import org.datavec.image.transform.ImageTransform;
import org.datavec.image.transform.PipelineImageTransform;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;

/**
 * An ordered list of image files with their class index: what {@link ImageNetValidation} and {@link Cifar10} find on
 * disk, decoded by DataVec's {@code NativeImageLoader} into batches with one {@link ImagePreprocessing}; an image
 * that cannot be decoded is named ({@link #readable} leaves such images out instead).
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
     * one-hot over {@link #numClasses}. An image that cannot be decoded fails its batch, named.
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
        ImageTransform transform = transform(preprocessing);
        DataSetIterator it = new ImageBatches(this, preprocessing.height(), preprocessing.width(), transform,
                preprocessing.layout() == CNN2DFormat.NCHW, batchSize);
        it.setPreProcessor(new ImageNormalizer(preprocessing));
        return it;
    }

    /** @return what is applied to every decoded image: colour order and, when asked, shorter-side resize and crop */
    static ImageTransform transform(ImagePreprocessing preprocessing) {
        List<ImageTransform> transforms = new ArrayList<>();
        if (!preprocessing.normalization().bgr()) {
            transforms.add(new ColorConversionTransform(COLOR_BGR2RGB)); // OpenCV decodes to BGR
        }
        if (preprocessing.resizeShorterSide() > 0) {
            transforms.add(new ShorterSideCenterCrop(preprocessing.resizeShorterSide(), preprocessing.height(),
                    preprocessing.width()));
        } // else NativeImageLoader resizes straight to height × width (bilinear)
        return transforms.isEmpty() ? null : new PipelineImageTransform(transforms.toArray(new ImageTransform[0]));
    }

    /**
     * The images that can be decoded: every file is decoded once (at the size of {@code preprocessing}); those that
     * cannot are left out, and named in the description (the first five, with their number).
     *
     * @return these images when all can be decoded, else the readable ones
     * @throws IllegalArgumentException when none can be decoded
     */
    public LabelledImages readable(ImagePreprocessing preprocessing) {
        NativeImageLoader loader = new NativeImageLoader(preprocessing.height(), preprocessing.width(), 3);
        List<Path> kept = new ArrayList<>();
        List<Integer> keptLabels = new ArrayList<>();
        List<Path> unreadable = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            try {
                ImageBatches.decode(loader, files.get(i), description);
                kept.add(files.get(i));
                keptLabels.add(labels[i]);
            } catch (IllegalArgumentException e) {
                unreadable.add(files.get(i));
            }
        }
        if (unreadable.isEmpty()) {
            return this;
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException(description + ": none of the " + files.size() + " images can be decoded");
        }
        String named = unreadable.stream().limit(5).map(p -> p.getFileName().toString())
                .collect(java.util.stream.Collectors.joining(", "));
        return new LabelledImages(description + " (" + unreadable.size() + " unreadable image"
                + (unreadable.size() == 1 ? "" : "s") + " skipped: " + named + (unreadable.size() > 5 ? ", …" : "")
                + ")", kept, keptLabels.stream().mapToInt(Integer::intValue).toArray(), numClasses);
    }

}
