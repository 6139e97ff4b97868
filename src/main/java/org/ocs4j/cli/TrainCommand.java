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
                + " libnd4j's fused LSTM op (about 7 min per epoch on 2 cores) and saved as a DL4J network. Prints the"
                + " test accuracy or perplexity.")
final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "fashion-mnist-mln, fashion-mnist-resnet or ptb-lstm")
    String name;

    @Option(names = "--data", description = "folder of the four Fashion-MNIST *-ubyte.gz files (default: Debian's),"
            + " or of ptb.{train,valid,test}.txt for ptb-lstm")
    Path data;

    @Option(names = "--epochs", description = "passes over the training set (default 5 for the MLN, 6 for the ResNet, 5 for"
            + " ptb-lstm)")
    Integer epochs;

    @Option(names = "--seed", defaultValue = "42", description = "weight and shuffling seed (default 42)")
    long seed;

    @Option(names = "--out", required = true, description = "model zip to write")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (name.equals("ptb-lstm")) {
            return trainLanguageModel();
        }
        if (!name.equals("fashion-mnist-mln") && !name.equals("fashion-mnist-resnet")) {
            throw new IllegalArgumentException("unknown reference model \"" + name
                    + "\"; choose fashion-mnist-mln, fashion-mnist-resnet or ptb-lstm");
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

    private int trainLanguageModel() throws Exception {
        if (data == null) {
            throw new IllegalArgumentException("ptb-lstm needs --data: the folder of ptb.train.txt, ptb.valid.txt and"
                    + " ptb.test.txt (e.g. ../shared/datasets/ptb)");
        }
        if (epochs == null) {
            epochs = 5;
        }
        org.ocs4j.data.WordCorpus corpus = org.ocs4j.data.WordCorpus.ptb(data);
        System.out.println(corpus);
        int eos = corpus.id(org.ocs4j.data.WordCorpus.EOS);
        long start = System.nanoTime();
        var net = ReferenceModels.trainLanguageModel(corpus, epochs, seed, ConsoleProgress.forConsole(),
                (epoch, loss, valid, rate, model) -> {
                    System.out.printf("epoch %d/%d: learning rate %.2g, training loss %.4f (perplexity %.1f with"
                                    + " dropout), valid perplexity %.2f, %.0f s so far%n", epoch, epochs, rate, loss,
                            Math.exp(loss), valid, (System.nanoTime() - start) / 1e9);
                    try {
                        ModelFiles.save(model.toDl4j(seed), out, null); // each epoch, so a stopped run keeps one
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        double seconds = (System.nanoTime() - start) / 1e9;
        ModelFiles.save(net, out, null);
        System.out.printf("trained in %.0f s (%d epochs, seed %d); wrote %s%n", seconds, epochs, seed, out);
        System.out.println("perplexity of the saved DL4J network (every token, state carried, batch 1, fast executor):");
        var valid = org.ocs4j.eval.PerplexityEvaluator.evaluate(net, corpus.tokens("valid"), eos, 350,
                org.ocs4j.exec.Executor.FAST, ConsoleProgress.forConsole());
        System.out.println("  valid " + valid);
        var test = org.ocs4j.eval.PerplexityEvaluator.evaluate(net, corpus.tokens("test"), eos, 350,
                org.ocs4j.exec.Executor.FAST, ConsoleProgress.forConsole());
        System.out.println("  test  " + test);
        return 0;
    }
}
