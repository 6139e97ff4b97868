package org.ocs4j.cli;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ocs4j.Ocs;
import org.ocs4j.OcsResult;
import org.ocs4j.eval.Provenance;
import org.ocs4j.eval.WidenReportJson;
import org.ocs4j.graph.InputShape;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.rewrite.IdentityCheck;
import org.ocs4j.rewrite.LayerPolicy;
import org.ocs4j.rewrite.LayerReport;
import org.ocs4j.zoo.ZooModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ocs4j demo}: the built-in default job, needing no data. Widens the zoo ResNet50 (seeded random weights)
 * under the reference policy, checks the identity, and writes the model and report.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Built-in default job (no downloads): widen the DL4J zoo ResNet50 with seeded random weights"
                + " at expand ratio r under the reference policy, check that it computes the same function, and"
                + " write the model and a JSON report.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--out-dir", defaultValue = "ocs4j-demo", description = "where to write (default ${DEFAULT-VALUE})")
    Path outDir;

    @Option(names = "--expand-ratio", defaultValue = "0.02", description = "expand ratio (default ${DEFAULT-VALUE})")
    double expandRatio;

    @Option(names = "--seed", defaultValue = "12345", description = "weight and input seed")
    long seed;

    @Override
    public Integer call() throws Exception {
        InputShape shape = ZooModels.inputShape("resnet50");
        System.out.println("building the zoo ResNet50 with seeded random weights (seed " + seed + ")...");
        ComputationGraph resnet = (ComputationGraph) ZooModels.create("resnet50", seed);
        OcsResult<ComputationGraph> result = Ocs.split(resnet).expandRatio(expandRatio).policy(LayerPolicy.reference())
                .inputShape(shape.dims()).progress(ConsoleProgress.forConsole()).apply();
        IdentityCheck identity = result.checkIdentity(resnet, seed, 2, shape);
        if (!identity.passes(IdentityCheck.DEFAULT_RELATIVE_TOLERANCE)) {
            throw new IllegalStateException("identity check failed: " + identity);
        }
        Path model = outDir.resolve("resnet50-ocs-r" + expandRatio + ".zip");
        Path report = outDir.resolve("resnet50-ocs-r" + expandRatio + ".json");
        Provenance provenance = Provenance.capture("ocs4j demo --expand-ratio " + expandRatio + " --seed " + seed,
                "in-memory", seed, result.report().settings().toString());
        ModelFiles.save(result.model(), model, shape);
        ModelFiles.writeString(report, WidenReportJson.toJson(result.report(), identity, provenance));

        var r = result.report();
        System.out.printf("%nResNet50, OCS r = %s (reference policy: every conv but the RGB stem)%n", expandRatio);
        System.out.printf("%-22s %8s %5s %12s %12s  %s%n", "layer", "C_in", "k", "max|w| before", "after", "realized by");
        for (LayerReport l : r.layers().subList(0, Math.min(8, r.layers().size()))) {
            System.out.printf("%-22s %8d %5d %12.4f %12.4f  %s via %s%n", l.layer(), l.inputChannels(),
                    l.splitChannels().length, l.maxAbsBefore(), l.maxAbsAfter(), l.realization(), l.via());
        }
        System.out.printf("... %d layers split in all, %d skipped%n", r.layers().size(), r.skipped().size());
        System.out.printf("extra weights: %,d (%.2f%% of %,d); extra MACs per image: %,d%n", r.extraWeights(),
                100 * r.extraWeightFraction(), r.originalParams(), r.extraMacs());
        System.out.printf("identity check on %d random images: max|Δlogit| = %.3g, max|logit| = %.3g%n", 2,
                identity.maxAbsDiff(), identity.maxAbsOutput());
        System.out.printf("wrote %s%nwrote %s%n", model, report);
        return 0;
    }
}
