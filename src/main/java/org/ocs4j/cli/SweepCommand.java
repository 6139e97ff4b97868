package org.ocs4j.cli;

import org.ocs4j.imports.ModelLoader;
import org.deeplearning4j.nn.api.Model;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.quant.Clip;
import org.ocs4j.graph.LayerPolicy;
import org.ocs4j.data.BpttIterator;
import org.ocs4j.data.CachedBatches;
import org.ocs4j.data.WordCorpus;
import org.ocs4j.exec.Executor;
import org.ocs4j.sweep.ClassificationScorer;
import org.ocs4j.sweep.PerplexityScorer;
import org.ocs4j.sweep.Column;
import org.ocs4j.sweep.SweepConfig;
import org.ocs4j.sweep.SweepReport;
import org.ocs4j.sweep.SweepResult;
import org.ocs4j.sweep.SweepRunner;
import org.ocs4j.Ocs;
import org.ocs4j.pipeline.OcsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ocs4j sweep MODEL --data D --out DIR}: the paper's experiment on one classifier — accuracy for every weight
 * bit width × method, written as Markdown/CSV/JSON with PNG plots; resumable.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Paper-style sweep of an image classifier (--data) or an LSTM language model (--corpus): top-1"
                + " accuracy or perplexity for weight bits × activation bits ×"
                + " method (no clip, MAX c, MSE, ACIQ, KL, percentile, per-channel, OCS r, OCS + best clip), written to"
                + " DIR as report.md, results.csv, results.json and PNG plots with provenance. Every finished cell is"
                + " stored at once: rerunning the same command after an interruption computes only the missing cells.")
final class SweepCommand implements Callable<Integer> {

    /** Decoded evaluation images are kept in memory for all cells up to this size (2 GiB). */
    static final long DECODED_BUDGET_BYTES = 2L << 30;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "model file (DL4J zip, Keras .h5 or TF-slim MobileNet .pb)")
    Path model;

    @Mixin
    DataOptions data;

    @Option(names = "--weight-bits", defaultValue = "8,7,6,5,4", split = ",",
            description = "weight bit widths, table order (default ${DEFAULT-VALUE})")
    List<Integer> weightBits;

    @Option(names = "--activation-bits", defaultValue = "8", split = ",",
            description = "activation bit widths, 0 = FP32 activations (default ${DEFAULT-VALUE})")
    List<Integer> activationBits;

    @Option(names = "--methods", defaultValue = "none,mse,aciq,kl,ocs:0.01,ocs:0.02,ocs:0.05,ocs+best",
            description = "columns: none, max:C, mse, aciq, kl, percentile:P, per-channel[+CLIP], ocs:R[:plain][+CLIP],"
                    + " ocs+best (default ${DEFAULT-VALUE})")
    String methods;

    @Option(names = "--plain-split", description = "also run every grid-aware OCS column with plain halving")
    boolean plainSplit;

    @Option(names = "--activation-clip", defaultValue = "none",
            description = "how activation clip values are chosen, the same in every cell (default ${DEFAULT-VALUE})")
    String activationClip;

    @Option(names = "--policy", defaultValue = "default", description = "default or reference (default ${DEFAULT-VALUE})")
    String policy;

    @Option(names = "--calibration-batches", defaultValue = "4", description = "default ${DEFAULT-VALUE}")
    int calibrationBatches;

    @Option(names = "--batch", defaultValue = "32", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the calibration sample (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--skip-outputs", description = "leading outputs that are not classes (default: 1 when the model"
            + " has one output more than the data has classes, else 0)")
    Integer skipOutputs;

    @Option(names = "--corpus", description = "a language-model sweep instead: PTB (ptb.*.txt) or WikiText-2"
            + " (wiki.*.tokens) folder; scores perplexity on --split, calibrates on random training windows")
    Path corpus;

    @Option(names = "--split", defaultValue = "test", description = "corpus split scored with --corpus (default ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--window", defaultValue = "35", description = "tokens per window with --corpus (default ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--executor", defaultValue = "fast", description = "what computes the outputs: fast"
            + " (convolutions, batch norms and LSTMs as libnd4j ops) or dl4j (DL4J's output() / rnnTimeStep());"
            + " default ${DEFAULT-VALUE}")
    String executor;

    @Option(names = "--title", description = "report heading (default: the model file name)")
    String title;

    @Option(names = "--out", required = true, description = "output directory (resumed when it holds this sweep)")
    Path out;

    @Option(names = "--force", description = "write into an existing --out folder that holds files that are no"
            + " sweep's (a folder holding another sweep is refused even so)")
    boolean force;

    @Override
    public Integer call() throws Exception {
        return run("bin/ocs4j " + spec.commandLine().getParseResult().originalArgs().stream()
                .map(a -> a.matches("[\\w./:,+=@-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
                .collect(java.util.stream.Collectors.joining(" ")));
    }

    /** Runs the sweep the fields describe, recording {@code command} as the command line in its provenance. */
    int run(String command) throws Exception {
        if (data.given() == (corpus != null)) {
            throw new IllegalArgumentException("give --data (an image folder or fashion-mnist) for a classifier, or"
                    + " --corpus (PTB or WikiText-2 folder) for a language model");
        }
        ModelFiles.requireNotInput(out, model);
        List<Column> columns = new ArrayList<>(Column.parseList(methods));
        if (plainSplit) {
            for (Column c : List.copyOf(columns)) {
                if (c.ocs() && !c.bestOfRow() && c.gridAware()) columns.add(c.plain());
            }
        }
        SweepConfig config = new SweepConfig(weightBits, activationBits, columns, OcsConfig.builder()
                .activationClip(Clip.parse(activationClip)).policy(LayerPolicy.named(policy))
                .calibrationBatches(calibrationBatches).seed(seed).build());
        Model net = ModelLoader.load(model);
        SweepRunner runner = Ocs.sweep(net).config(config).progress(ConsoleProgress.forConsole())
                .describedAs(command, ModelFiles.sha256(model))
                .title(title != null ? title : model.getFileName().toString()).force(force);
        boolean calibrate = activationBits.stream().anyMatch(a -> a != 0) || columns.stream().anyMatch(
                c -> c.bestOfRow() || c.biasCorrection() || c.budgeted() || c.mixedPrecision()); // these need calibration
        // inputs themselves
        if (corpus != null) {
            languageModel(net, runner, calibrate);
        } else {
            classifier(net, runner, calibrate);
        }
        SweepResult result = runner.runAndReport(out);
        System.out.println(SweepReport.table(result));
        System.out.println("wrote " + out.resolve(SweepReport.MARKDOWN) + " (with results.csv, results.json and"
                + " plots)");
        return 0;
    }

    /** Perplexity on --split of the corpus; calibration on random training windows. */
    private void languageModel(Model net, SweepRunner runner, boolean calibrate) {
        WordCorpus words = WordCorpus.detect(corpus);
        long outputs = EvalCommand.outputCount(net);
        if (outputs != words.vocabularySize()) {
            throw new IllegalArgumentException(model.getFileName() + " predicts " + outputs + " tokens but the "
                    + words.name() + " vocabulary has " + words.vocabularySize() + ": not a model of this corpus");
        }
        runner.scorer(new PerplexityScorer(words.tokens(split), words.id(WordCorpus.EOS), window,
                words.name() + " " + split + ", window " + window + ", state carried", Executor.parse(executor)));
        if (calibrate) {
            int[] train = words.tokens("train");
            int need = batch * (calibrationBatches * window + 1);
            if (train.length < need) {
                throw new IllegalArgumentException("the training split has " + train.length + " tokens, fewer than"
                        + " the " + need + " calibration needs");
            }
            int offset = new java.util.Random(seed).nextInt(train.length - need + 1);
            runner.calibrateOn(new BpttIterator(java.util.Arrays.copyOfRange(train, offset, offset + need), batch,
                    window), words.name() + " train tokens " + offset + ".." + (offset + need) + " as " + batch
                    + " rows × " + window + "-token windows");
        }
    }

    /** Top-1 accuracy on --data; calibration batches drawn at random (see {@link DataOptions#openCalibration}). */
    private void classifier(Model net, SweepRunner runner, boolean calibrate) {
        DataOptions.Opened eval = data.open(net, model, batch);
        int skip = skipOutputs != null ? skipOutputs : EvalCommand.skipFor(net, eval.classes());
        runner.scorer(new ClassificationScorer(new CachedBatches(() -> {
            eval.iterator().reset();
            return eval.iterator();
        }, DECODED_BUDGET_BYTES), skip, eval.examples(), eval.description(), Executor.parse(executor)));
        if (calibrate) {
            DataOptions.Opened c = data.openCalibration(net, model, batch, calibrationBatches, seed);
            runner.calibrateOn(c.iterator(), c.description());
        }
    }
}
