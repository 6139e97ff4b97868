package org.ocs4j.cli;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import org.ocs4j.data.FashionMnist;
import org.ocs4j.graph.InputShape;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.train.ReferenceModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ocs4j train fashion-mnist-mln --out FILE}: trains a reference model reproducibly and reports its accuracy. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a reference model reproducibly (seeded) on Fashion-MNIST: fashion-mnist-mln, a small"
                + " VGG-style MultiLayerNetwork with batch norm, or fashion-mnist-resnet, a small ResNet"
                + " ComputationGraph with residual adds; or on PTB: ptb-lstm, a 2 × 256 LSTM language model trained with"
                + " libnd4j's fused LSTM op (about 7 min per epoch on 2 cores) and saved as a DL4J network; or on"
                + " WikiText-2: wikitext-2-lstm, 2 × 128 LSTMs with tied 128-wide input and output embeddings, saved in"
                + " 16 bits (loaded back in float32). Prints the test accuracy or perplexity.")
final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "fashion-mnist-mln, fashion-mnist-resnet, ptb-lstm or wikitext-2-lstm")
    String name;

    @Option(names = "--data", description = "folder of the four Fashion-MNIST *-ubyte.gz files (default: Debian's),"
            + " or of ptb.{train,valid,test}.txt for ptb-lstm, or of wiki.{train,valid,test}.tokens for wikitext-2-lstm")
    Path data;

    @Option(names = "--epochs", description = "passes over the training set (default 5 for the MLN, 6 for the ResNet, 5 for"
            + " ptb-lstm and wikitext-2-lstm)")
    Integer epochs;

    @Option(names = "--seed", defaultValue = "42", description = "weight and shuffling seed (default 42)")
    long seed;

    @Option(names = "--out", required = true, description = "model zip to write")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (name.equals("ptb-lstm") || name.equals("wikitext-2-lstm")) {
            return trainLanguageModel(name.equals("wikitext-2-lstm"));
        }
        if (!name.equals("fashion-mnist-mln") && !name.equals("fashion-mnist-resnet")) {
            throw new IllegalArgumentException("unknown reference model \"" + name
                    + "\"; choose fashion-mnist-mln, fashion-mnist-resnet, ptb-lstm or wikitext-2-lstm");
        }
        if (data == null) {
            data = FashionMnist.DEBIAN_DIR;
        }
        if (epochs == null) {
            epochs = name.equals("fashion-mnist-mln") ? 5 : 6;
        }
        DataSet train = FashionMnist.train(data);
        DataSet test = FashionMnist.test(data);
        long start = System.nanoTime();
        Model net = name.equals("fashion-mnist-mln")
                ? ReferenceModels.trainFashionMnistMln(train, epochs, seed, ConsoleProgress.forConsole())
                : ReferenceModels.trainFashionMnistResNet(train, epochs, seed, ConsoleProgress.forConsole());
        double seconds = (System.nanoTime() - start) / 1e9;
        ModelFiles.save(net, out, InputShape.of(1, 28, 28));
        double accuracy = org.ocs4j.eval.ClassifierEvaluator.accuracy(net, test);
        System.out.printf("%s: %d epochs in %.0f s, seed %d; test accuracy %.4f on %d images; wrote %s%n", name,
                epochs, seconds, seed, accuracy, test.numExamples(), out);
        return 0;
    }

    private int trainLanguageModel(boolean wikiText2) throws Exception {
        if (data == null) {
            throw new IllegalArgumentException(name + " needs --data: the folder of " + (wikiText2
                    ? "wiki.train.tokens, wiki.valid.tokens and wiki.test.tokens (e.g. ../shared/datasets/wikitext-2)"
                    : "ptb.train.txt, ptb.valid.txt and ptb.test.txt (e.g. ../shared/datasets/ptb)"));
        }
        if (epochs == null) {
            epochs = 5;
        }
        ModelFiles.requireRegularTarget(out);
        org.ocs4j.data.WordCorpus corpus = wikiText2 ? org.ocs4j.data.WordCorpus.wikiText2(data)
                : org.ocs4j.data.WordCorpus.ptb(data);
        System.out.println(corpus);
        int eos = corpus.id(org.ocs4j.data.WordCorpus.EOS);
        long start = System.nanoTime();
        ReferenceModels.EpochListener listener = (epoch, loss, valid, rate, model) -> {
            System.out.printf("epoch %d/%d: learning rate %.2g, training loss %.4f (perplexity %.1f with dropout),"
                            + " valid perplexity %.2f, %.0f s so far%n", epoch, epochs, rate, loss, Math.exp(loss), valid,
                    (System.nanoTime() - start) / 1e9);
            try {
                save(model.toDl4j(seed), wikiText2); // each epoch, so a stopped run keeps one
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        var net = wikiText2
                ? ReferenceModels.trainWikiText2LanguageModel(corpus, epochs, seed, ConsoleProgress.forConsole(), listener)
                : ReferenceModels.trainLanguageModel(corpus, epochs, seed, ConsoleProgress.forConsole(), listener);
        double seconds = (System.nanoTime() - start) / 1e9;
        save(net, wikiText2);
        System.out.printf("trained in %.0f s (%d epochs, seed %d); wrote %s (%,d bytes)%n", seconds, epochs, seed, out,
                java.nio.file.Files.size(out));
        System.out.println("perplexity (every token, state carried, batch 1, fast executor):");
        if (wikiText2) {
            System.out.println("  valid (float32 weights as trained): " + perplexity(net, corpus.tokens("valid"), eos));
            System.out.println("  test  (float32 weights as trained): " + perplexity(net, corpus.tokens("test"), eos));
            net = (org.deeplearning4j.nn.multilayer.MultiLayerNetwork) org.ocs4j.imports.ModelLoader.load(out);
        }
        String stored = wikiText2 ? " (the saved file: 16-bit weights, loaded in float32)" : "";
        System.out.println("  valid" + stored + ": " + perplexity(net, corpus.tokens("valid"), eos));
        System.out.println("  test " + stored + ": " + perplexity(net, corpus.tokens("test"), eos));
        return 0;
    }

    /** Saves {@code net}; the WikiText-2 model in 16 bits (half precision), which {@code ModelLoader} reads back as float32. */
    private void save(org.deeplearning4j.nn.multilayer.MultiLayerNetwork net, boolean sixteenBits)
            throws java.io.IOException {
        ModelFiles.save(sixteenBits ? net.convertDataType(org.nd4j.linalg.api.buffer.DataType.HALF) : net, out, null);
    }

    private static org.ocs4j.eval.PerplexityResult perplexity(Model net, int[] tokens, int eos) {
        return org.ocs4j.eval.PerplexityEvaluator.evaluate(net, tokens, eos, 350, org.ocs4j.exec.Executor.FAST,
                ConsoleProgress.forConsole());
    }
}
