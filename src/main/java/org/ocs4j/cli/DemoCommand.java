package org.ocs4j.cli;

import org.ocs4j.data.FashionMnist;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ocs4j demo}: the built-in default job. A small paper-style sweep of the committed Fashion-MNIST reference
 * model on the Fashion-MNIST test set (Debian package {@code dataset-fashion-mnist}): a report with a table and PNG
 * plots on disk, its path printed. It is {@code ocs4j sweep} with fixed settings, whose command line it prints
 * first.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Built-in default job: sweep the committed Fashion-MNIST reference model (weights 8/6/5/4 bits,"
                + " activations 8 bits; no clip, MSE, ACIQ, KL, OCS r = 0.02, OCS + best clip) on the Fashion-MNIST"
                + " test set and write a report with a table and PNG plots. Rerunning resumes.")
final class DemoCommand implements Callable<Integer> {

    /** The system property {@code bin/ocs4j} sets to the project root, where the reference models are. */
    static final String HOME_PROPERTY = "ocs4j.home";

    @Option(names = "--model", description = "model to sweep (default: models/fashion-mnist-mln.zip of the project)")
    Path model;

    @Option(names = "--out-dir", defaultValue = "ocs4j-demo", description = "where to write (default ${DEFAULT-VALUE})")
    Path outDir;

    @Option(names = "--limit", description = "score only the first N test images (default: all 10,000)")
    Integer limit;

    @Override
    public Integer call() throws Exception {
        Path net = model != null ? model : defaultModel();
        if (!Files.isRegularFile(FashionMnist.DEBIAN_DIR.resolve("t10k-images-idx3-ubyte.gz"))) {
            throw new IllegalStateException("the demo needs the Fashion-MNIST test set in " + FashionMnist.DEBIAN_DIR
                    + ": install it with  apt-get install -y dataset-fashion-mnist");
        }
        SweepCommand sweep = new SweepCommand();
        sweep.model = net;
        sweep.data = new DataOptions();
        sweep.data.data = "fashion-mnist";
        sweep.data.limit = limit;
        sweep.data.resize = "direct";
        sweep.weightBits = List.of(8, 6, 5, 4);
        sweep.activationBits = List.of(8);
        sweep.methods = "none,mse,aciq,kl,ocs:0.02,ocs+best";
        sweep.activationClip = "none";
        sweep.policy = "default";
        sweep.calibrationBatches = 4;
        sweep.batch = 32;
        sweep.seed = 42;
        sweep.split = "test";
        sweep.window = 35;
        sweep.executor = "fast";
        sweep.title = "ocs4j demo: Fashion-MNIST reference MLN";
        sweep.out = outDir;
        String command = "bin/ocs4j sweep " + net + " --data fashion-mnist --weight-bits 8,6,5,4 --activation-bits 8"
                + " --methods none,mse,aciq,kl,ocs:0.02,ocs+best --title \"" + sweep.title + "\" --out " + outDir
                + (limit != null ? " --limit " + limit : "");
        System.out.println("ocs4j demo = " + command);
        int code = sweep.run(command);
        System.out.println("\nreport: " + outDir.resolve("report.md").toAbsolutePath());
        return code;
    }

    private static Path defaultModel() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home == null) {
            throw new IllegalArgumentException("no --model given and the project root is unknown (bin/ocs4j sets -D"
                    + HOME_PROPERTY + "): give --model models/fashion-mnist-mln.zip");
        }
        Path p = Path.of(home, "models", "fashion-mnist-mln.zip");
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("the reference model " + p + " is missing: give --model FILE");
        }
        return p;
    }
}
