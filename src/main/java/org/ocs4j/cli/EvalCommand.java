package org.ocs4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.ocs4j.data.FashionMnist;
import org.ocs4j.data.ImageFolders;
import org.ocs4j.data.ImagePreprocessing;
import org.ocs4j.data.LabelledImages;
import org.ocs4j.data.Normalization;
import org.ocs4j.eval.ClassificationResult;
import org.ocs4j.eval.ClassifierEvaluator;
import org.ocs4j.eval.Provenance;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Node;
import org.ocs4j.io.ModelFiles;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ocs4j eval MODEL --data DIR}: top-1/top-5 accuracy and throughput of an image classifier. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate an image classifier (DL4J zip, Keras .h5 or TF-slim MobileNet .pb): top-1/top-5 with"
                + " counts and images/s. --data is a CIFAR-10 class-folder root, an ImageNet validation folder (flat"
                + " with val.txt, or synset folders), or 'fashion-mnist' (Debian package).")
final class EvalCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "model file")
    Path model;

    @Option(names = "--data", required = true, description = "image folder, or fashion-mnist")
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

    @Option(names = "--skip-outputs", description = "leading outputs that are not classes (default: 1 when the model"
            + " has one output more than the data has classes, i.e. a background class, else 0)")
    Integer skipOutputs;

    @Option(names = "--limit", description = "evaluate only the first N images")
    Integer limit;

    @Option(names = "--batch", defaultValue = "32", description = "batch size (default 32)")
    int batch;

    @Option(names = "--report", description = "also write the result and its provenance as JSON")
    Path report;

    @Override
    public Integer call() throws Exception {
        if (report != null) {
            ModelFiles.requireNotInput(report, model);
        }
        Model net = ModelFiles.load(model);
        DataSetIterator it;
        long count;
        int classes;
        String described;
        if (data.equals("fashion-mnist")) {
            org.nd4j.linalg.dataset.DataSet test = FashionMnist.test(FashionMnist.DEBIAN_DIR);
            if (limit != null) {
                test = (org.nd4j.linalg.dataset.DataSet) test.getRange(0, Math.min(limit, test.numExamples()));
            }
            it = new org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator<>(test.asList(), batch);
            count = test.numExamples();
            classes = 10;
            described = "Fashion-MNIST test (" + FashionMnist.DEBIAN_DIR + "), x/255";
        } else {
            LabelledImages images = ImageFolders.open(Path.of(data), groundTruth, synsets);
            if (limit != null) {
                images = images.first(limit);
            }
            ImagePreprocessing pre = preprocessing(net);
            it = images.iterator(pre, batch);
            count = images.size();
            classes = images.numClasses();
            described = images.description() + "; " + pre.describe();
        }
        int skip = skipOutputs != null ? skipOutputs : skipFor(net, classes);
        ClassificationResult r = ClassifierEvaluator.evaluate(net, it, skip, count, ConsoleProgress.forConsole());
        System.out.printf(Locale.ROOT, "%s on %s%s: %s%n", model.getFileName(), described,
                skip > 0 ? " (first " + skip + " output skipped)" : "", r);
        if (report != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("model", model.toString());
            json.put("data", described);
            json.put("skippedOutputs", skip);
            json.put("examples", r.examples());
            json.put("top1", r.top1());
            json.put("top1Correct", r.top1Correct());
            json.put("top5", r.top5());
            json.put("top5Correct", r.top5Correct());
            json.put("imagesPerSecond", r.imagesPerSecond());
            json.put("forwardImagesPerSecond", r.forwardImagesPerSecond());
            json.put("provenance", Provenance.capture("ocs4j eval " + model + " --data " + data,
                    ModelFiles.sha256(model), 0, described + ", batch " + batch));
            ModelFiles.writeString(report, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(json));
        }
        return 0;
    }

    private ImagePreprocessing preprocessing(Model net) {
        int[] hw = inputSize(net);
        Normalization norm;
        if (normalization != null) {
            try {
                norm = Normalization.valueOf(normalization.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown --normalization \"" + normalization
                        + "\"; choose none, unit, tf, torch or caffe");
            }
        } else if (model.getFileName().toString().endsWith(".pb")) {
            norm = Normalization.TF;
        } else {
            throw new IllegalArgumentException("--normalization is required for " + model.getFileName()
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
        return pre.withLayout(channelsLast(net) ? CNN2DFormat.NHWC : CNN2DFormat.NCHW);
    }

    private int[] inputSize(Model net) {
        if (size != null) {
            String[] parts = size.split(",");
            try {
                int h = Integer.parseInt(parts[0].trim());
                return new int[]{h, parts.length > 1 ? Integer.parseInt(parts[1].trim()) : h};
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--size \"" + size + "\" is not HEIGHT,WIDTH");
            }
        }
        var stored = ModelFiles.inputShape(model);
        if (stored.isPresent() && stored.get().dims().length == 3) {
            return new int[]{(int) stored.get().dims()[1], (int) stored.get().dims()[2]};
        }
        if (model.getFileName().toString().endsWith(".pb")) {
            return org.ocs4j.imports.TfMobileNetV1.inputSize(model);
        }
        throw new IllegalArgumentException(model.getFileName() + " does not record its input size: give --size H,W");
    }

    private static boolean channelsLast(Model net) {
        NetworkGraph graph = NetworkGraph.of(net);
        for (Node n : graph.nodes()) {
            if (n.layer() instanceof ConvolutionLayer c) {
                return c.getCnn2dDataFormat() == CNN2DFormat.NHWC;
            }
        }
        return false;
    }

    private static int skipFor(Model net, int classes) {
        return outputCount(net) == classes + 1 ? 1 : 0;
    }

    private static long outputCount(Model net) {
        NetworkGraph graph = NetworkGraph.of(net);
        Node last = graph.nodes().get(graph.nodes().size() - 1);
        return last.layer() instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer f ? f.getNOut() : -1;
    }
}
