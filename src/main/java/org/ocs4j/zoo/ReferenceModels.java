package org.ocs4j.zoo;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ocs4j.progress.Progress;
import org.ocs4j.split.Channels;

import java.util.List;

/**
 * Reference networks trained by ocs4j, reproducibly (fixed seeds, single-threaded data order), so OCS and
 * quantization can be measured on real trained weights without downloads.
 */
public final class ReferenceModels {

    private ReferenceModels() {
    }

    /**
     * A small VGG-style MultiLayerNetwork for Fashion-MNIST (1×28×28): two blocks of 3×3 conv → batch norm → ReLU →
     * 2×2 max pool (16 and 32 channels), a 64-unit dense layer and a 10-way softmax. About 106k parameters.
     */
    public static MultiLayerNetwork fashionMnistMln(long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).weightInit(WeightInit.RELU)
                .updater(new Adam(1e-3)).list()
                .layer(conv(16)).layer(new BatchNormalization.Builder().build()).layer(relu()).layer(pool())
                .layer(conv(32)).layer(new BatchNormalization.Builder().build()).layer(relu()).layer(pool())
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * Trains {@link #fashionMnistMln} on the training split.
     *
     * @param train  the training data ({@code [N, 1, 28, 28]} in [0, 1], one-hot labels)
     * @param epochs passes over the data
     * @param seed   weight and shuffling seed
     */
    public static MultiLayerNetwork trainFashionMnistMln(DataSet train, int epochs, long seed, Progress progress) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs " + epochs + " must be at least 1");
        }
        MultiLayerNetwork net = fashionMnistMln(seed);
        for (int epoch = 0; epoch < epochs; epoch++) {
            List<DataSet> batches = shuffled(train, seed + epoch).batchBy(128);
            progress.start("epoch " + (epoch + 1) + "/" + epochs, batches.size());
            for (DataSet batch : batches) {
                net.fit(batch);
                progress.step();
            }
            progress.finish();
        }
        return net;
    }

    /** A seeded permutation of the examples (DL4J's DataSet.shuffle refuses 4-D features with 2-D labels). */
    private static DataSet shuffled(DataSet data, long seed) {
        int n = data.numExamples();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Random random = new java.util.Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new DataSet(Channels.gather(data.getFeatures(), 0, order), Channels.gather(data.getLabels(), 0, order));
    }

    /** @return the accuracy of a classifier on a labelled set, with DL4J's {@code Evaluation} */
    public static double accuracy(MultiLayerNetwork net, DataSet test) {
        Evaluation e = new Evaluation((int) test.getLabels().size(1)); // the int constructor: a long would pick the binary-threshold one
        for (DataSet batch : test.batchBy(1000)) {
            e.eval(batch.getLabels(), net.output(batch.getFeatures(), false));
        }
        return e.accuracy();
    }

    private static ConvolutionLayer conv(int nOut) {
        return new ConvolutionLayer.Builder(3, 3).nOut(nOut).convolutionMode(ConvolutionMode.Same)
                .activation(Activation.IDENTITY).build();
    }

    private static ActivationLayer relu() {
        return new ActivationLayer.Builder().activation(Activation.RELU).build();
    }

    private static SubsamplingLayer pool() {
        return new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
    }
}
