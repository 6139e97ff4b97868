package org.ocs4j.train;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ocs4j.progress.Progress;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

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
     * A small ResNet ComputationGraph for Fashion-MNIST (1×28×28), with residual adds: 3×3 conv (16) → batch norm →
     * ReLU → 2×2 max pool; a residual block of two 3×3 convs (16); a stride-2 3×3 conv (32) → batch norm → ReLU; a
     * residual block (32); a 64-unit dense layer and a 10-way softmax. The learning rate steps down after 3 and 5
     * epochs of 469 batches. About 130k parameters.
     */
    public static ComputationGraph fashionMnistResNet(long seed) {
        int perEpoch = 469; // ceil(60000 / 128)
        MapSchedule lr = new MapSchedule(ScheduleType.ITERATION, Map.of(0, 2e-3, 3 * perEpoch, 5e-4,
                5 * perEpoch, 1e-4));
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder().seed(seed)
                .weightInit(WeightInit.RELU).updater(new Adam(lr)).graphBuilder().addInputs("input")
                .setInputTypes(InputType.convolutional(28, 28, 1));
        b.addLayer("stem", conv(16), "input").addLayer("stem-bn", new BatchNormalization.Builder().build(), "stem")
                .addLayer("stem-relu", relu(), "stem-bn").addLayer("stem-pool", pool(), "stem-relu");
        String x = residualBlock(b, "block1", 16, "stem-pool");
        b.addLayer("down", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(32)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), x)
                .addLayer("down-bn", new BatchNormalization.Builder().build(), "down")
                .addLayer("down-relu", relu(), "down-bn");
        x = residualBlock(b, "block2", 32, "down-relu");
        b.addLayer("fc", new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build(), x)
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "fc")
                .setOutputs("output");
        ComputationGraph net = new ComputationGraph(b.build());
        net.init();
        return net;
    }

    /** conv → BN → ReLU → conv → BN, added to the block input, then ReLU; returns the block's output vertex. */
    private static String residualBlock(ComputationGraphConfiguration.GraphBuilder b, String name, int channels,
                                        String input) {
        b.addLayer(name + "-conv1", conv(channels), input)
                .addLayer(name + "-bn1", new BatchNormalization.Builder().build(), name + "-conv1")
                .addLayer(name + "-relu1", relu(), name + "-bn1")
                .addLayer(name + "-conv2", conv(channels), name + "-relu1")
                .addLayer(name + "-bn2", new BatchNormalization.Builder().build(), name + "-conv2")
                .addVertex(name + "-add", new ElementWiseVertex(ElementWiseVertex.Op.Add), input, name + "-bn2")
                .addLayer(name + "-relu", relu(), name + "-add");
        return name + "-relu";
    }

    /**
     * Trains {@link #fashionMnistMln} on the training split.
     *
     * @param train  the training data ({@code [N, 1, 28, 28]} in [0, 1], one-hot labels)
     * @param epochs passes over the data
     * @param seed   weight and shuffling seed
     */
    public static MultiLayerNetwork trainFashionMnistMln(DataSet train, int epochs, long seed, Progress progress) {
        MultiLayerNetwork net = fashionMnistMln(seed);
        train(net::fit, train, epochs, seed, progress);
        return net;
    }

    /** Trains {@link #fashionMnistResNet} on the training split, like {@link #trainFashionMnistMln}. */
    public static ComputationGraph trainFashionMnistResNet(DataSet train, int epochs, long seed, Progress progress) {
        ComputationGraph net = fashionMnistResNet(seed);
        train(net::fit, train, epochs, seed, progress);
        return net;
    }

    private static void train(Consumer<DataSet> fit, DataSet train, int epochs, long seed, Progress progress) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs " + epochs + " must be at least 1");
        }
        for (int epoch = 0; epoch < epochs; epoch++) {
            List<DataSet> batches = org.ocs4j.data.Sampling.shuffled(train, seed + epoch).batchBy(128);
            progress.start("epoch " + (epoch + 1) + "/" + epochs, batches.size());
            for (DataSet batch : batches) {
                fit.accept(batch);
                progress.step();
            }
            progress.finish();
        }
    }

    /** {@link #lstmLanguageModel(int, int, int, long)} with a 128-wide embedding and 2 × 256 LSTM units (PTB). */
    public static MultiLayerNetwork lstmLanguageModel(int vocabulary, long seed) {
        return lstmLanguageModel(vocabulary, 128, 256, seed);
    }

    /**
     * A word-level LSTM language model: embedding → LSTM → LSTM → softmax over the vocabulary,
     * dropout 0.25 on the inputs of both LSTMs and of the output layer, Adam 2e-3 with per-parameter-type L2 gradient
     * clipping at 5, truncated BPTT over 35 steps. Input {@code [N, 1, T]} token ids, output {@code [N, V, T]}
     * probabilities (NCW); labels are token ids (sparse cross-entropy).
     */
    public static MultiLayerNetwork lstmLanguageModel(int vocabulary, int embedding, int units, long seed) {
        if (vocabulary < 2 || embedding < 1 || units < 1) {
            throw new IllegalArgumentException("vocabulary " + vocabulary + ", embedding " + embedding + " and units "
                    + units + " must be at least 2, 1 and 1");
        }
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).weightInit(WeightInit.XAVIER)
                .updater(new Adam(2e-3))
                .gradientNormalization(org.deeplearning4j.nn.conf.GradientNormalization.ClipL2PerParamType)
                .gradientNormalizationThreshold(5.0).list()
                .layer(new org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer.Builder().nIn(vocabulary).nOut(embedding)
                        .outputDataFormat(org.deeplearning4j.nn.conf.RNNFormat.NCW).build())
                .layer(new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nIn(embedding).nOut(units).dropOut(0.75)
                        .activation(Activation.TANH).build())
                .layer(new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nIn(units).nOut(units).dropOut(0.75)
                        .activation(Activation.TANH).build())
                .layer(new org.deeplearning4j.nn.conf.layers.RnnOutputLayer.Builder(
                        new org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT()).nIn(units).nOut(vocabulary)
                        .dropOut(0.75).activation(Activation.SOFTMAX)
                        .dataFormat(org.deeplearning4j.nn.conf.RNNFormat.NCW).build())
                .backpropType(org.deeplearning4j.nn.conf.BackpropType.TruncatedBPTT).tBPTTLength(35)
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** What {@link #trainLanguageModel} reports after each epoch. */
    public interface EpochListener {
        /**
         * @param epoch            1-based
         * @param trainLoss        mean training cross-entropy of the epoch (nats per token, dropout on)
         * @param validPerplexity  perplexity of every validation token (state carried, no dropout)
         * @param learningRate     Adam's learning rate at the end of the epoch
         * @param model            the model after the epoch, e.g. to save it
         */
        void epochDone(int epoch, double trainLoss, double validPerplexity, double learningRate,
                       FusedLstmLanguageModel model);
    }

    /** Peak Adam learning rate of {@link #trainLanguageModel}. */
    public static final double LM_PEAK_LEARNING_RATE = 4e-3;
    /** Dropout keep probability of {@link #trainLanguageModel} (inputs of both LSTMs and of the output layer). */
    public static final double LM_KEEP_PROBABILITY = 0.85;

    /**
     * Trains the reference PTB language model ({@link #lstmLanguageModel(int, long)}'s architecture) with
     * {@link FusedLstmLanguageModel}: {@link LstmTrainingSettings#defaults()} with dropout
     * {@code 1 − }{@link #LM_KEEP_PROBABILITY} and Adam's learning rate going linearly from
     * {@link #LM_PEAK_LEARNING_RATE} at the first window to 0 at the last window of the last epoch (a fixed budget of
     * epochs is best spent that way: Li et al., "Budgeted training", ICLR 2020), seeded. The committed model's numbers
     * are in {@code models/README.md}.
     *
     * @return the trained model as the DL4J network ocs4j quantizes
     */
    public static MultiLayerNetwork trainLanguageModel(org.ocs4j.data.WordCorpus corpus, int epochs, long seed,
                                                       Progress progress, EpochListener listener) {
        return trainLanguageModel(corpus, 128, 256, false, epochs, seed, progress, listener);
    }

    /**
     * Trains the WikiText-2 reference language model: {@link #trainLanguageModel(org.ocs4j.data.WordCorpus, int,
     * long, Progress, EpochListener)}'s recipe with {@value #WIKITEXT2_WIDTH}-wide tied embeddings and LSTMs — the
     * 33,278-word vocabulary's embedding and softmax are one matrix, so that the model, stored in 16 bits, fits in
     * 20 MB ({@code models/README.md}).
     */
    public static MultiLayerNetwork trainWikiText2LanguageModel(org.ocs4j.data.WordCorpus corpus, int epochs,
                                                                long seed, Progress progress, EpochListener listener) {
        return trainLanguageModel(corpus, WIKITEXT2_WIDTH, WIKITEXT2_WIDTH, true, epochs, seed, progress, listener);
    }

    /** Embedding width and LSTM units of {@link #trainWikiText2LanguageModel}. */
    public static final int WIKITEXT2_WIDTH = 128;

    private static MultiLayerNetwork trainLanguageModel(org.ocs4j.data.WordCorpus corpus, int embedding, int units,
                                                        boolean tied, int epochs, long seed, Progress progress,
                                                        EpochListener listener) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs " + epochs + " must be at least 1");
        }
        FusedLstmLanguageModel model = new FusedLstmLanguageModel(corpus.vocabularySize(), embedding, units, tied,
                seed);
        LstmTrainingSettings defaults = LstmTrainingSettings.defaults()
                .withKeepProbability(LM_KEEP_PROBABILITY);
        int eos = corpus.id(org.ocs4j.data.WordCorpus.EOS);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            double first = LM_PEAK_LEARNING_RATE * (epochs - epoch + 1) / epochs;
            double last = LM_PEAK_LEARNING_RATE * (epochs - epoch) / epochs;
            double loss = model.trainEpoch(corpus.tokens("train"), defaults.withLearningRates(first, last), progress);
            double valid = org.ocs4j.eval.PerplexityEvaluator.evaluate(model.toDl4j(seed), corpus.tokens("valid"), eos, 350,
                    org.ocs4j.exec.Executor.FAST, Progress.NONE).perplexity();
            listener.epochDone(epoch, loss, valid, last, model);
        }
        return model.toDl4j(seed);
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
