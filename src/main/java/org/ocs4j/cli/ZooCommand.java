package org.ocs4j.cli;

import org.deeplearning4j.nn.api.Model;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.zoo.ZooModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ocs4j zoo NAME --out FILE}: writes a DL4J zoo model with seeded random weights. */
@Command(name = "zoo", mixinStandardHelpOptions = true,
        description = "Write a DL4J zoo model (resnet50, vgg16, lenet) with seeded random weights and calibrated"
                + " batch-norm statistics, so ocs4j can be tried without downloads; --pretrained downloads DL4J's"
                + " trained weights instead (network needed).")
final class ZooCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "model name: ${COMPLETION-CANDIDATES}", completionCandidates = Names.class)
    String name;

    @Option(names = "--out", required = true, description = "model zip to write")
    Path out;

    @Option(names = "--seed", defaultValue = "12345", description = "weight seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--pretrained", description = "DL4J's pretrained weights (downloaded on first use) instead of"
            + " random ones")
    boolean pretrained;

    @Override
    public Integer call() throws Exception {
        Model model = pretrained ? ZooModels.pretrained(name) : ZooModels.create(name, seed);
        ModelFiles.save(model, out, ZooModels.inputShape(name));
        System.out.printf("wrote %s: %s, %,d parameters, input %s, %s%n", out, name, model.numParams(),
                ZooModels.inputShape(name), pretrained ? "pretrained weights" : "seed " + seed);
        return 0;
    }

    static final class Names extends java.util.ArrayList<String> {
        Names() {
            super(ZooModels.NAMES);
        }
    }
}
