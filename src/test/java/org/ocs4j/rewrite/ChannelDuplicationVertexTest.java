package org.ocs4j.rewrite;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The channels-last duplication vertex: exact copies forward, summed gradients backward, JSON round trip. */
class ChannelDuplicationVertexTest {

    private static ComputationGraph net() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(4, 4, 3, CNN2DFormat.NHWC))
                .addLayer("a", new ConvolutionLayer.Builder(1, 1).nOut(4).dataFormat(CNN2DFormat.NHWC)
                        .activation(Activation.TANH).build(), "in")
                .addVertex("dup", new ChannelDuplicationVertex(new int[]{1, 3, 1}, true), "a")
                .addLayer("b", new ConvolutionLayer.Builder(1, 1).nOut(2).dataFormat(CNN2DFormat.NHWC)
                        .activation(Activation.TANH).build(), "dup")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "b")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build(), "pool")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    @Test
    void forwardAppendsExactCopiesOnTheLastAxis() {
        ComputationGraph net = net();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 4, 4, 3);
        INDArray a = net.feedForward(x, false).get("a");
        INDArray dup = net.feedForward(x, false).get("dup");
        assertEquals(7, dup.size(3));
        assertEquals(a, dup.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 4)));
        assertEquals(a.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(1)),
                dup.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(6)));
        assertEquals(a.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(3)),
                dup.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(5)));
    }

    @Test
    void backwardSumsTheGradientsOfEveryCopy() {
        ComputationGraph net = net();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 4, 4, 3);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 2, 2);
        // Layer "a" is upstream of the vertex: its numerical and analytic gradients agree only if the vertex routes
        // (and sums, for channel 1 copied twice) the gradient correctly.
        DataType defaultType = Nd4j.dataType();
        DataType floatType = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE); // GradientCheckUtil insists
        boolean ok;
        try {
            ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                    .inputs(new INDArray[]{x}).labels(new INDArray[]{y}).epsilon(1e-6).maxRelError(1e-5)
                    .minAbsoluteError(1e-10).exitOnFirstError(true));
        } finally {
            Nd4j.setDefaultDataTypes(defaultType, floatType);
        }
        assertTrue(ok, "gradient check through the duplication vertex");
    }

    @Test
    void configurationSurvivesJson() {
        ComputationGraph net = net();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        assertEquals(new ChannelDuplicationVertex(new int[]{1, 3, 1}, true), back.getVertices().get("dup"));
    }
}
