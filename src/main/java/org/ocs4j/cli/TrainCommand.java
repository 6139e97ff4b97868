package org.ocs4j.cli;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import org.ocs4j.data.FashionMnist;
import org.ocs4j.graph.InputShape;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.zoo.ReferenceModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ocs4j train fashion-mnist-mln --out FILE}: trains a reference model reproducibly and reports its accuracy. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a reference model reproducibly (seeded) on Fashion-MNIST: fashion-mnist-mln, a small"
                + " VGG-style MultiLayerNetwork with batch norm, or fashion-mnist-resnet, a small ResNet"
                + " ComputationGraph with residual adds. Prints the test accuracy.")
final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "fashion-mnist-mln or fashion-mnist-resnet")
    String name;

    @Option(names = "--data", description = "folder of the four Fashion-MNIST *-ubyte.gz files (default: Debian's)")
    Path data = FashionMnist.DEBIAN_DIR;

    @Option(names = "--epochs", description = "passes over the training set (default 5 for the MLN, 6 for the ResNet)")
    Integer epochs;

    @Option(names = "--seed", defaultValue = "42", description = "weight and shuffling seed (default 42)")
    long seed;

    @Option(names = "--out", required = true, description = "model zip to write")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!name.equals("fashion-mnist-mln") && !name.equals("fashion-mnist-resnet")) {
            throw new IllegalArgumentException("unknown reference model \"" + name
                    + "\"; choose fashion-mnist-mln or fashion-mnist-resnet");
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
        double accuracy = ReferenceModels.accuracy(net, test);
        System.out.printf("%s: %d epochs in %.0f s, seed %d; test accuracy %.4f on %d images; wrote %s%n", name,
                epochs, seconds, seed, accuracy, test.numExamples(), out);
        return 0;
    }
}
