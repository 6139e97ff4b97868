package org.ocs4j;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;

/** Small seeded networks of every supported shape, with batch-norm statistics made non-trivial. */
public final class TestNets {

    private TestNets() {
    }

    /** conv → BN → ReLU → conv → pool → dense → output, on 3×12×12 inputs. */
    public static MultiLayerNetwork mln(long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(12).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(5).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(12, 12, 3))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        randomizeBatchNorm(net.paramTable(), seed);
        return net;
    }

    /** A residual block: stem conv → BN → ReLU; branch conv → BN; add; ReLU; conv; global pool; output. */
    public static ComputationGraph residual(long seed) {
        ComputationGraphConfiguration conf = base(seed).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(10, 10, 3))
                .addLayer("stem", conv(8, 3), "in")
                .addLayer("stem-bn", new BatchNormalization.Builder().build(), "stem")
                .addLayer("stem-relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "stem-bn")
                .addLayer("b1", conv(8, 3), "stem-relu")
                .addLayer("b1-bn", new BatchNormalization.Builder().build(), "b1")
                .addLayer("b1-relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "b1-bn")
                .addLayer("b2", conv(8, 3), "b1-relu")
                .addLayer("b2-bn", new BatchNormalization.Builder().build(), "b2")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "b2-bn", "stem-relu")
                .addLayer("add-relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "add")
                .addLayer("head", conv(6, 1), "add-relu")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "head")
                .addLayer("out", output(4), "gap")
                .setOutputs("out").build();
        return init(conf, seed);
    }

    /** Channels-last (NHWC, as Keras imports): stride-2 conv → BN → ReLU → conv → max pool → global pool → output. */
    public static ComputationGraph channelsLast(long seed) {
        var nhwc = org.deeplearning4j.nn.conf.CNN2DFormat.NHWC;
        ComputationGraphConfiguration conf = base(seed).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(12, 12, 3, nhwc))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(8).dataFormat(nhwc)
                        .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().dataFormat(nhwc).build(), "c1")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(6).dataFormat(nhwc).padding(1, 1)
                        .activation(Activation.RELU).build(), "relu")
                .addLayer("pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .dataFormat(nhwc).build(), "c2")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "pool")
                .addLayer("out", output(4), "gap")
                .setOutputs("out").build();
        return init(conf, seed);
    }

    /** Two convolution branches concatenated, then a conv and a dense head through a flatten. */
    public static ComputationGraph concat(long seed) {
        ComputationGraphConfiguration conf = base(seed).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(8, 8, 4))
                .addLayer("left", conv(5, 3), "in")
                .addLayer("right", conv(7, 1), "in")
                .addLayer("right-bn", new BatchNormalization.Builder().build(), "right")
                .addVertex("cat", new MergeVertex(), "left", "right-bn")
                .addLayer("mix", conv(6, 3), "cat")
                .addLayer("pool", new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build(), "mix")
                .addLayer("fc", new DenseLayer.Builder().nOut(10).activation(Activation.RELU).build(), "pool")
                .addLayer("out", output(3), "fc")
                .setOutputs("out").build();
        return init(conf, seed);
    }

    /** MobileNet-style: conv → BN → ReLU6 → depthwise → BN → ReLU6 → pointwise conv → global pool → output. */
    public static ComputationGraph depthwise(long seed) {
        ComputationGraphConfiguration conf = base(seed).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(9, 9, 3))
                .addLayer("c0", conv(8, 3), "in")
                .addLayer("c0-bn", new BatchNormalization.Builder().build(), "c0")
                .addLayer("c0-relu", new ActivationLayer.Builder().activation(Activation.RELU6).build(), "c0-bn")
                .addLayer("dw", new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(1).nOut(8)
                        .activation(Activation.IDENTITY).build(), "c0-relu")
                .addLayer("dw-bn", new BatchNormalization.Builder().build(), "dw")
                .addLayer("dw-relu", new ActivationLayer.Builder().activation(Activation.RELU6).build(), "dw-bn")
                .addLayer("pw", conv(10, 1), "dw-relu")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "pw")
                .addLayer("out", output(4), "gap")
                .setOutputs("out").build();
        return init(conf, seed);
    }

    public static NeuralNetConfiguration.Builder base(long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).weightInit(WeightInit.XAVIER);
    }

    public static ConvolutionLayer conv(int nOut, int kernel) {
        return new ConvolutionLayer.Builder(kernel, kernel).nOut(nOut)
                .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same).activation(Activation.IDENTITY).build();
    }

    public static OutputLayer output(int nOut) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(nOut).activation(Activation.SOFTMAX).build();
    }

    public static ComputationGraph init(ComputationGraphConfiguration conf, long seed) {
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        randomizeBatchNorm(net.paramTable(), seed);
        return net;
    }

    /** Gives batch-norm layers non-trivial gamma, beta, mean and spread, so widening errors cannot hide. */
    public static void randomizeBatchNorm(Map<String, INDArray> params, long seed) {
        Nd4j.getRandom().setSeed(seed);
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String k = e.getKey();
            INDArray v = e.getValue();
            if (k.endsWith("_gamma")) v.assign(Nd4j.rand(v.dataType(), v.shape()).addi(0.5));
            if (k.endsWith("_beta") || k.endsWith("_mean")) v.assign(Nd4j.randn(v.dataType(), v.shape()).muli(0.3));
            if (k.endsWith("_log10stdev")) v.assign(Nd4j.rand(v.dataType(), v.shape()).subi(0.5).muli(0.4));
            if (k.endsWith("_var")) v.assign(Nd4j.rand(v.dataType(), v.shape()).addi(0.5));
        }
    }

    /** @return random token ids as a language model's input {@code [batch, 1, steps]}, seeded */
    public static INDArray tokenWindows(int batch, int steps, int vocabulary, long seed) {
        java.util.Random r = new java.util.Random(seed);
        INDArray x = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, batch, 1, steps);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                x.putScalar(new int[]{b, 0, t}, r.nextInt(vocabulary));
            }
        }
        return x;
    }
}
