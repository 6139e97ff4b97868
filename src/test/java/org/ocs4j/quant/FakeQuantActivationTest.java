package org.ocs4j.quant;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.exec.FastInference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fake-quant activation on its own and inside a graph where its input has another reader. */
class FakeQuantActivationTest {

    @Test
    void quantizesOntoTheGridAndLeavesItsInputAlone() {
        // 2-bit signed grid, α = 1: codes -2..1, s = 1; 0.4 → 0, 0.5 → 0 (tie to even), 0.7 → 1, -3 → -2, 5 → 1
        FakeQuantActivation fq = new FakeQuantActivation(FixedPointGrid.signed(2), 1.0);
        INDArray in = Nd4j.createFromArray(0.4f, 0.5f, 0.7f, -3f, 5f);
        INDArray before = in.dup();
        INDArray out = fq.getActivation(in, false);
        assertEquals(Nd4j.createFromArray(0f, 0f, 1f, -2f, 1f), out);
        assertEquals(before, in, "the input array must not be modified");
    }

    /**
     * {@code d → fake-quant → e}, and a residual add of {@code d} and {@code e}. DL4J's ActivationLayer passes its
     * input array (d's output, also read by the add, which runs after it) to the activation function without a copy:
     * an in-place fake-quant made the add read quantized values. With e = 0 the graph's output must be d's output,
     * unquantized, on DL4J's path and on the fast executor.
     */
    @Test
    void aResidualReaderOfTheSameTensorSeesItUnquantized() {
        var conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).graphBuilder()
                .addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("d", new DenseLayer.Builder().nOut(4).activation(Activation.IDENTITY).build(), "in")
                .addLayer("q", new ActivationLayer.Builder()
                        .activation(new FakeQuantActivation(FixedPointGrid.signed(2), 1.0)).build(), "d")
                .addLayer("e", new DenseLayer.Builder().nOut(4).activation(Activation.IDENTITY).build(), "q")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d", "e")
                .setOutputs("sum").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        net.getLayer("d").getParam("W").assign(Nd4j.eye(4));
        net.getLayer("d").getParam("b").assign(0);
        net.getLayer("e").getParam("W").assign(0);
        net.getLayer("e").getParam("b").assign(0);
        INDArray x = Nd4j.createFromArray(new float[][]{{0.4f, 0.3f, -0.7f, 2.5f}});
        assertEquals(x, net.outputSingle(x), "DL4J output(): the residual reader got a quantized input");
        assertEquals(x, FastInference.output(net, x), "fast executor: the residual reader got a quantized input");
    }
}
