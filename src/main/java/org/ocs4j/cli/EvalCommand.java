package org.ocs4j.cli;

import org.ocs4j.imports.ModelLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.deeplearning4j.nn.api.Model;
import org.ocs4j.eval.ClassificationResult;
import org.ocs4j.eval.ClassifierEvaluator;
import org.ocs4j.eval.Provenance;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Node;
import org.ocs4j.io.ModelFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    DataOptions data;

    @Option(names = "--skip-outputs", description = "leading outputs that are not classes (default: 1 when the model"
            + " has one output more than the data has classes, i.e. a background class, else 0)")
    Integer skipOutputs;

    @Option(names = "--batch", defaultValue = "32", description = "batch size (default 32)")
    int batch;

    @Option(names = "--fold-batch-norm", description = "fold batch norms into the preceding conv/dense layers before"
            + " evaluating (inference-only, same outputs to float rounding, faster)")
    boolean foldBatchNorm;

    @Option(names = "--executor", defaultValue = "fast", description = "what computes the outputs: fast (convolutions"
            + " and batch norms as libnd4j ops) or dl4j (DL4J's output()); default ${DEFAULT-VALUE}")
    String executor;

    @Option(names = "--report", description = "also write the result and its provenance as JSON")
    Path report;

    @Override
    public Integer call() throws Exception {
        if (report != null) {
            ModelFiles.requireNotInput(report, model);
        }
        if (!data.given()) {
            throw new IllegalArgumentException("--data is required: an image folder or fashion-mnist");
        }
        Model net = ModelLoader.load(model);
        if (foldBatchNorm) {
            net = net instanceof org.deeplearning4j.nn.graph.ComputationGraph cg
                    ? org.ocs4j.rewrite.BatchNormFolding.fold(cg).model()
                    : org.ocs4j.rewrite.BatchNormFolding.fold((org.deeplearning4j.nn.multilayer.MultiLayerNetwork) net)
                    .model();
        }
        DataOptions.Opened opened = data.open(net, model, batch);
        String described = opened.description();
        int skip = skipOutputs != null ? skipOutputs : skipFor(net, opened.classes());
        org.ocs4j.exec.Executor path = org.ocs4j.exec.Executor.parse(executor);
        ClassificationResult r = ClassifierEvaluator.evaluate(net, opened.iterator(), skip, opened.examples(), path,
                ConsoleProgress.forConsole());
        System.out.printf(Locale.ROOT, "%s on %s%s: %s [%s]%n", model.getFileName(), described,
                skip > 0 ? " (first " + skip + " output skipped)" : "", r, path.description());
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
            json.put("executor", path.description());
            json.put("provenance", Provenance.capture("ocs4j eval " + model + " --data " + data.data,
                    ModelFiles.sha256(model), 0, described + ", batch " + batch
                            + (foldBatchNorm ? ", batch norms folded" : "") + ", outputs by " + path.description()));
            ModelFiles.writeString(report, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(json));
        }
        return 0;
    }

    static int skipFor(Model net, int classes) {
        return outputCount(net) == classes + 1 ? 1 : 0;
    }

    static long outputCount(Model net) {
        NetworkGraph graph = NetworkGraph.of(net);
        Node last = graph.nodes().get(graph.nodes().size() - 1);
        return last.layer() instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer f ? f.getNOut() : -1;
    }
}
