package org.ocs4j.cli;

import org.ocs4j.imports.ModelLoader;
import org.deeplearning4j.nn.api.Model;
import org.ocs4j.eval.Provenance;
import org.ocs4j.eval.WidenReportJson;
import org.ocs4j.graph.InputShape;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Node;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.rewrite.IdentityCheck;
import org.ocs4j.graph.LayerPolicy;
import org.ocs4j.Ocs;
import org.ocs4j.OcsModel;
import org.ocs4j.pipeline.OcsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ocs4j widen MODEL --expand-ratio R --out FILE --report FILE.json}: weight OCS by channel duplication, with
 * an identity check of the widened model on seeded random inputs. Nothing is written unless the check passes.
 */
@Command(name = "widen", mixinStandardHelpOptions = true,
        description = "Split the input channels holding the largest |w| and write a wider model that computes the"
                + " same function, with a JSON report (extra weights and MACs, per-layer splits, identity check).")
final class WidenCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "DL4J model zip (MultiLayerNetwork or ComputationGraph)")
    Path model;

    @Option(names = "--expand-ratio", required = true, description = "fraction of input channels to split, in [0, 1]")
    double expandRatio;

    @Option(names = "--policy", defaultValue = "default",
            description = "default (conv, dense, output layers) or reference (convs only, 3-channel stem skipped)")
    String policy;

    @Option(names = "--include", split = ",", description = "layers (names or DL4J class names) that must be split")
    List<String> include = List.of();

    @Option(names = "--exclude", split = ",", description = "layers (names or DL4J class names) never split")
    List<String> exclude = List.of();

    @Option(names = "--split-threshold", defaultValue = "0", description = "halve entries above t·max|slice|, t in [0, 1)")
    double splitThreshold;

    @Option(names = "--grid-aware-bits", defaultValue = "0",
            description = "place halves on the b-bit weight grid (2..16); 0 = plain halving (default)")
    int gridAwareBits;

    /** Tokens per random sequence of a language model's identity check when --input-shape is not given. */
    static final int DEFAULT_SEQUENCE_LENGTH = 16;

    @Option(names = "--input-shape", description = "C,H,W (images, also for a channels-last model), N (features), or"
            + " the sequence length of a language model (default 16 tokens); default: the shape stored in the model"
            + " file")
    String inputShape;

    @Option(names = "--seed", defaultValue = "12345", description = "seed of the identity-check inputs")
    long seed;

    @Option(names = "--batch", defaultValue = "2", description = "examples in the identity check")
    int batch;

    @Option(names = "--tolerance", defaultValue = "1e-4", description = "identity check: maxAbsDiff ≤ tolerance · maxAbsOutput")
    double tolerance;

    @Option(names = "--out", required = true, description = "widened model zip to write")
    Path out;

    @Option(names = "--report", required = true, description = "JSON report to write")
    Path report;

    @Override
    public Integer call() throws Exception {
        ModelFiles.requireOutputs("--out", out, "--report", report);
        ModelFiles.requireNotInput(out, model);
        ModelFiles.requireNotInput(report, model);
        LayerPolicy layers = LayerPolicy.named(policy).including(include.toArray(String[]::new))
                .excluding(exclude.toArray(String[]::new));
        OcsConfig config = OcsConfig.builder().expandRatio(expandRatio).splitThreshold(splitThreshold)
                .gridAware(gridAwareBits != 0).weightBits(gridAwareBits != 0 ? gridAwareBits : 8).policy(layers)
                .build();
        Model original = ModelLoader.load(model);
        InputShape shape = resolveShape(original);

        OcsModel<Model> widened = Ocs.ofModel(original).config(config).inputShapes(shape)
                .progress(ConsoleProgress.forConsole()).widen();
        IdentityCheck identity = widened.checkIdentity(seed, batch, shape);
        if (!identity.passes(tolerance)) {
            throw new IllegalStateException("identity check failed, nothing written: " + identity
                    + " exceeds tolerance " + tolerance + " (please report this as an ocs4j bug with the model)");
        }
        Provenance provenance = Provenance.capture("ocs4j widen " + model + " --expand-ratio " + expandRatio
                + " --policy " + policy, ModelFiles.sha256(model), seed, config.describe());
        String json = WidenReportJson.toJson(widened.report().widening(), identity, provenance);
        ModelFiles.save(widened.model(), out, shape);
        ModelFiles.writeString(report, json);

        var r = widened.report().widening();
        System.out.printf("%d layers split, %d skipped; +%,d weights (%.2f%%), %s; identity: %s%n",
                r.layers().size(), r.skipped().size(), r.extraWeights(), 100 * r.extraWeightFraction(),
                r.extraMacs() < 0 ? "multiply-adds not counted (a language model)"
                        : String.format("+%,d MACs", r.extraMacs()), identity);
        System.out.printf("wrote %s and %s%n", out, report);
        return 0;
    }

    private InputShape resolveShape(Model original) {
        if (inputShape != null) {
            return InputShape.parse(inputShape);
        }
        return ModelFiles.inputShape(model).orElseGet(() -> inferFeedForwardShape(original));
    }

    private InputShape inferFeedForwardShape(Model original) {
        NetworkGraph graph = NetworkGraph.of(original);
        if (org.ocs4j.graph.Networks.tokenVocabulary(original) > 0) {
            return InputShape.of(DEFAULT_SEQUENCE_LENGTH);
        }
        Node first = graph.nodes().stream().filter(n -> n.layer() != null).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("model " + model + " has no layers"));
        if (first.layer() instanceof org.deeplearning4j.nn.conf.layers.DenseLayer dense && first.preProcessor() == null) {
            return InputShape.of(dense.getNIn());
        }
        throw new IllegalArgumentException("model " + model + " does not say its input shape and its first layer "
                + first.describe() + " needs height and width: pass --input-shape C,H,W");
    }
}
