package org.ocs4j.cli;

import org.ocs4j.imports.ModelLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Node;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.quant.TensorAnalysis;
import org.ocs4j.quant.TensorStatistics;
import org.ocs4j.graph.LayerPolicy;
import org.ocs4j.rewrite.LayerReport;
import org.ocs4j.Ocs;
import org.ocs4j.OcsModel;
import org.ocs4j.pipeline.OcsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ocs4j inspect MODEL}: per quantized layer, the weight statistics, the clip value and SQNR of every clip
 * method at B bits, and the input channels OCS would split at ratio r (the model is not changed).
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Per-layer weight statistics of a model: shape, max|w|, mean |w|, the clip value α and weight SQNR"
                + " of every clip method at --bits, and the input channels OCS would split at --expand-ratio"
                + " (original indices). Nothing is written unless --json is given.")
final class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "model file (DL4J zip, Keras .h5 or TF-slim MobileNet .pb)")
    Path model;

    @Option(names = "--bits", defaultValue = "8", description = "weight bits, 2..16 (default ${DEFAULT-VALUE})")
    int bits;

    @Option(names = "--expand-ratio", defaultValue = "0.02", description = "OCS ratio for the channels that would"
            + " split (default ${DEFAULT-VALUE}; 0 for none)")
    double expandRatio;

    @Option(names = "--policy", defaultValue = "default", description = "default or reference (default ${DEFAULT-VALUE})")
    String policy;

    @Option(names = "--fold-batch-norm", description = "inspect the deployed model: batch norms folded into the"
            + " conv/dense layer before them")
    boolean foldBatchNorm;

    @Option(names = "--json", description = "also write everything as JSON")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (json != null) ModelFiles.requireNotInput(json, model);
        LayerPolicy layerPolicy = LayerPolicy.named(policy);
        OcsConfig config = OcsConfig.builder().weightBits(bits).expandRatio(expandRatio).gridAware(false)
                .policy(layerPolicy).build();
        Model net = ModelLoader.load(model);
        int folded = 0;
        if (foldBatchNorm) {
            var f = org.ocs4j.rewrite.BatchNormFolding.fold(net);
            net = f.model();
            folded = f.folded().size();
        }
        NetworkGraph graph = NetworkGraph.of(net);
        Map<String, LayerReport> splits = new HashMap<>();
        if (config.splitsWeights()) {
            OcsModel<Model> w = Ocs.ofModel(net).config(config).progress(ConsoleProgress.forConsole()).widen();
            w.report().widening().layers().forEach(l -> splits.put(l.layer(), l));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%s%s: %d-bit weights, per tensor; OCS r = %s (%s)%n", model.getFileName(),
                foldBatchNorm ? " with " + folded + " batch norms folded" : "", bits, expandRatio, layerPolicy);
        System.out.printf(Locale.ROOT, "%-24s %-18s %-18s %9s %9s  %-36s %s%n", "layer", "type", "W shape", "max|w|",
                "mean|w|", "α / SQNR dB: none  mse  aciq  kl", "would split (input channels)");
        for (Node n : graph.nodes()) {
            if (layerPolicy.quantizes(n) && graph.paramKeys(n).contains("W")) {
                Map<String, Object> row = layer(graph, n, splits.get(n.label()));
                if (row != null) rows.add(row);
            }
        }
        if (json != null) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", model.toString());
            out.put("bits", bits);
            out.put("expandRatio", expandRatio);
            out.put("policy", layerPolicy.toString());
            out.put("batchNormsFolded", folded);
            out.put("layers", rows);
            ModelFiles.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(out) + "\n");
            System.out.println("wrote " + json);
        }
        return 0;
    }

    /** Prints one layer's line and returns its JSON entry (null for an all-zero weight). */
    private Map<String, Object> layer(NetworkGraph graph, Node n, LayerReport split) {
        INDArray w = graph.param(n, "W");
        TensorStatistics s = TensorStatistics.of(w);
        if (s.maxAbs() == 0) return null;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("layer", n.label());
        row.put("type", n.typeName());
        row.put("shape", w.shape());
        row.put("maxAbs", s.maxAbs());
        row.put("meanAbs", w.ameanNumber().doubleValue());
        Map<String, Object> methods = new LinkedHashMap<>();
        StringBuilder alphas = new StringBuilder();
        for (TensorAnalysis.MethodResult m : TensorAnalysis.analyze(w, bits, 0, 0, false)) {
            methods.put(m.method().name().toLowerCase(Locale.ROOT), Map.of("alpha", m.alpha(), "sqnrDb", m.sqnrDb()));
            switch (m.method()) {
                case NONE, MSE, ACIQ, KL -> alphas.append(String.format(Locale.ROOT, "%.3g/%.1f ", m.alpha(),
                        m.sqnrDb()));
                default -> { }
            }
        }
        row.put("methods", methods);
        if (split != null) {
            row.put("splitChannels", split.splitChannels());
            row.put("maxAbsAfterSplit", split.maxAbsAfter());
        }
        System.out.printf(Locale.ROOT, "%-24s %-18s %-18s %9.4f %9.4f  %-36s %s%n", n.label(), n.typeName(),
                Arrays.toString(w.shape()).replace(" ", ""), s.maxAbs(), w.ameanNumber().doubleValue(), alphas,
                split == null ? "—" : preview(split.splitChannels()));
        return row;
    }

    private static String preview(int[] channels) {
        if (channels.length <= 8) return Arrays.toString(channels);
        return Arrays.toString(Arrays.copyOf(channels, 8)).replace("]", ", … (" + channels.length + ")]");
    }
}
