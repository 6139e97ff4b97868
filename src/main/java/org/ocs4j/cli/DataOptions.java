package org.ocs4j.cli;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ocs4j.data.CachedBatches;
import org.ocs4j.pipeline.CalibrationData;
import org.ocs4j.data.FashionMnist;
import org.ocs4j.data.ImageFolders;
import org.ocs4j.data.ImagePreprocessing;
import org.ocs4j.data.LabelledImages;
import org.ocs4j.data.Normalization;
import org.ocs4j.graph.Networks;
import org.ocs4j.imports.TfMobileNetV1;
import org.ocs4j.io.ModelFiles;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The labelled-data options shared by commands that read images ({@code eval}, {@code quantize}): where the data is,
 * and how images become the model's input (geometry, normalization; layout and size from the model when it says).
 */
final class DataOptions {

    @Option(names = "--data", description = "CIFAR-10 class-folder root, ImageNet validation folder (flat with val.txt,"
            + " or synset folders), or fashion-mnist (Debian package)")
    String data;

    @Option(names = "--ground-truth", description = "ImageNet val.txt for a flat folder (default: found beside it)")
    Path groundTruth;

    @Option(names = "--synsets", description = "ImageNet synset_words.txt for synset folders (default: found beside it)")
    Path synsets;

    @Option(names = "--resize", defaultValue = "direct",
            description = "direct (resize to the input size) or crop (shorter side to size/0.875, then center crop);"
                    + " default direct")
    String resize;

    @Option(names = "--normalization", description = "none|unit|tf|torch|caffe (default tf for a .pb model;"
            + " required otherwise for images)")
    String normalization;

    @Option(names = "--size", description = "input height,width (default: from the model)")
    String size;

    @Option(names = "--limit", description = "use only the first N examples")
    Integer limit;

    @Option(names = "--sample", description = "use N examples drawn at random (seed 42) instead of all; class-folder"
            + " data is sorted by class, so prefer this to --limit for a representative subset")
    Integer sample;

    @Option(names = "--calibration-data", description = "calibration images, drawn at random (--seed): a folder in the"
            + " layout --data accepts (default: the training split for fashion-mnist; otherwise a random sample of"
            + " --data itself, which the report then says)")
    Path calibrationData;

    @Option(names = "--skip-unreadable", description = "leave out images that cannot be decoded (each is decoded once"
            + " first) and name them in the report, instead of stopping at the first")
    boolean skipUnreadable;

    /** Seed of {@code --sample}, fixed so the subset is the same in every run and recorded in descriptions. */
    static final long SAMPLE_SEED = 42;

    /** Labelled batches, how many examples, how many classes, and a description for reports. */
    record Opened(DataSetIterator iterator, long examples, int classes, String description) {
    }

    boolean given() {
        return data != null;
    }

    Opened open(Model net, Path modelFile, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch size " + batch + " must be at least 1");
        }
        requirePositive("--limit", limit);
        requirePositive("--sample", sample);
        if (data.equals("fashion-mnist")) {
            DataSet test = FashionMnist.test(FashionMnist.DEBIAN_DIR);
            if (sample != null) {
                throw new IllegalArgumentException("--sample is for image folders; use --limit with fashion-mnist");
            }
            if (limit != null) {
                test = (DataSet) test.getRange(0, Math.min(limit, test.numExamples()));
            }
            return new Opened(new ListDataSetIterator<>(test.asList(), batch), test.numExamples(), 10,
                    "Fashion-MNIST test (" + FashionMnist.DEBIAN_DIR + "), x/255");
        }
        if (limit != null && sample != null) {
            throw new IllegalArgumentException("give --limit or --sample, not both");
        }
        LabelledImages images = ImageFolders.open(Path.of(data), groundTruth, synsets);
        if (limit != null) {
            images = images.first(limit);
        }
        if (sample != null) {
            images = images.sample(sample, SAMPLE_SEED);
        }
        ImagePreprocessing pre = preprocessing(net, modelFile);
        if (skipUnreadable) {
            images = images.readable(pre);
        }
        return new Opened(images.iterator(pre, batch), images.size(), images.numClasses(),
                images.description() + "; " + pre.describe());
    }

    /**
     * Calibration batches: {@code batches × batch} examples drawn at random ({@code seed}) — from
     * {@code --calibration-data} when given, else from the training split for fashion-mnist, else from the evaluation
     * images (their description then begins with {@link #FROM_EVALUATION_DATA}). Random, because the first N images
     * of a class-sorted folder would be one or two classes; decoded once, since every calibration pass reads them.
     */
    Opened openCalibration(Model net, Path modelFile, int batch, int batches, long seed) {
        int n = batch * batches;
        if (calibrationData == null && data.equals("fashion-mnist")) {
            DataSet train = FashionMnist.train(FashionMnist.DEBIAN_DIR);
            int picked = Math.min(n, train.numExamples());
            return new Opened(org.ocs4j.data.Sampling.randomBatches(train, batches, batch, seed), picked, 10,
                    "Fashion-MNIST train (random " + picked + ", seed " + seed + "), x/255, batches of " + batch);
        }
        LabelledImages sampled = (calibrationData != null ? ImageFolders.open(calibrationData, null, null)
                : ImageFolders.open(Path.of(data), groundTruth, synsets)).sample(n, seed);
        ImagePreprocessing pre = preprocessing(net, modelFile);
        LabelledImages images = skipUnreadable ? sampled.readable(pre) : sampled;
        return new Opened(new CachedBatches(() -> images.iterator(pre, batch), Long.MAX_VALUE).get(), images.size(),
                images.numClasses(), (calibrationData == null ? CalibrationData.FROM_EVALUATION_DATA : "") + images.description()
                + "; " + pre.describe() + ", batches of " + batch);
    }

    private static void requirePositive(String option, Integer value) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(option + " " + value + " must be at least 1");
        }
    }

    private ImagePreprocessing preprocessing(Model net, Path modelFile) {
        int[] hw = inputSize(modelFile);
        Normalization norm;
        if (normalization != null) {
            try {
                norm = Normalization.valueOf(normalization.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown --normalization \"" + normalization
                        + "\"; choose none, unit, tf, torch or caffe");
            }
        } else if (modelFile.getFileName().toString().endsWith(".pb")) {
            norm = Normalization.TF;
        } else {
            throw new IllegalArgumentException("--normalization is required for " + modelFile.getFileName()
                    + ": the model's expected input scaling is not recorded in it (none, unit, tf, torch or caffe)");
        }
        ImagePreprocessing pre = switch (resize) {
            case "direct" -> ImagePreprocessing.resize(hw[0], hw[1], norm);
            case "crop" -> {
                if (hw[0] != hw[1]) {
                    throw new IllegalArgumentException("--resize crop needs a square input, the model takes "
                            + hw[0] + "×" + hw[1]);
                }
                yield ImagePreprocessing.resizeAndCenterCrop(hw[0], norm);
            }
            default -> throw new IllegalArgumentException("unknown --resize \"" + resize + "\"; choose direct or crop");
        };
        return pre.withLayout(Networks.channelsLast(net) ? CNN2DFormat.NHWC : CNN2DFormat.NCHW);
    }

    private int[] inputSize(Path modelFile) {
        if (size != null) {
            String[] parts = size.split(",");
            try {
                int h = Integer.parseInt(parts[0].trim());
                return new int[]{h, parts.length > 1 ? Integer.parseInt(parts[1].trim()) : h};
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--size \"" + size + "\" is not HEIGHT,WIDTH");
            }
        }
        var stored = ModelFiles.inputShape(modelFile);
        if (stored.isPresent() && stored.get().dims().length == 3) {
            return new int[]{(int) stored.get().dims()[1], (int) stored.get().dims()[2]};
        }
        if (modelFile.getFileName().toString().endsWith(".pb")) {
            return TfMobileNetV1.inputSize(modelFile);
        }
        if (org.ocs4j.imports.KerasModels.isHdf5(modelFile)) {
            var declared = org.ocs4j.imports.KerasModels.imageSize(modelFile);
            if (declared.isPresent()) {
                return declared.get();
            }
        }
        throw new IllegalArgumentException(modelFile.getFileName() + " does not record its input size: give --size H,W");
    }
}
