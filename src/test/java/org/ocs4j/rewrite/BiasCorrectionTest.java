package org.ocs4j.rewrite;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The expected output shift of bias correction, against a hand-worked case and against brute force. */
class BiasCorrectionTest {

    @Test
    void denseShiftIsTheMeanInputTimesTheWeightError() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(2).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(2).nOut(1)
                        .activation(Activation.IDENTITY).build()).build());
        net.init();
        Node dense = NetworkGraph.of(net).node("0");
        INDArray w = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}}); // DL4J dense: [nIn, nOut]
        INDArray wq = Nd4j.createFromArray(new float[][] {{1.1f, 2}, {3, 3.8f}});
        INDArray mean = Nd4j.createFromArray(new float[][] {{1, 2}}).castTo(DataType.DOUBLE);
        // E[x]·(W_q − W) = [1·0.1 + 2·0, 1·0 + 2·(−0.2)] = [0.1, −0.4]; the ReLU is not applied
        INDArray shift = BiasCorrection.expectedShift(net.clone(), dense, w, wq, mean);
        assertArrayEquals(new double[] {0.1, -0.4}, shift.toDoubleVector(), 1e-6);
    }

    @Test
    void convShiftEqualsTheMeanOutputDifferenceWithZeroPadding() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(4).activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.convolutional(5, 5, 2)).build();
        MultiLayerNetwork fp32 = new MultiLayerNetwork(conf);
        fp32.init();
        MultiLayerNetwork quantized = fp32.clone();
        INDArray w = fp32.getLayer(0).getParam("W");
        Nd4j.getRandom().setSeed(4);
        quantized.getLayer(0).setParam("W", w.add(Nd4j.randn(DataType.FLOAT, w.shape()).muli(0.05)));
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 2, 5, 5).addi(0.5); // positive mean: border effects show
        INDArray brute = quantized.feedForward(x, false).get(1).sub(fp32.feedForward(x, false).get(1))
                .castTo(DataType.DOUBLE).mean(0, 2, 3);
        INDArray shift = BiasCorrection.expectedShift(quantized.clone(), NetworkGraph.of(fp32).node("0"), w,
                quantized.getLayer(0).getParam("W"), x.castTo(DataType.DOUBLE).mean(true, 0));
        System.out.println("conv bias shift: " + shift + " brute force: " + brute);
        double scale = brute.amaxNumber().doubleValue();
        assertTrue(scale > 1e-3, "the weight error shifts the output");
        assertArrayEquals(brute.toDoubleVector(), shift.toDoubleVector(), 1e-5 * scale);
    }
}
