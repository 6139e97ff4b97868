package org.ocs4j.rewrite;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ocs4j.TestNets;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cross-layer equalization: the arithmetic on a hand-worked pair, and exactness on small networks in double. */
class CrossLayerEqualizationTest {

    @Test
    void aDenseReluDensePairGetsEqualRangesAsWorkedByHand() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(1).nOut(2).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(2).nOut(1)
                        .activation(Activation.IDENTITY).build()).build());
        net.init();
        net.getLayer(0).setParam("W", Nd4j.createFromArray(new float[][] {{4, 1}}));
        net.getLayer(0).setParam("b", Nd4j.createFromArray(new float[][] {{2, 1}}));
        net.getLayer(1).setParam("W", Nd4j.createFromArray(new float[][] {{1}, {4}}));
        // r1 = (4, 1), r2 = (1, 4): s = √(r1/r2) = (2, 1/2); W1/s = (2, 2), b1/s = (1, 2), W2·s = (2, 2)
        CrossLayerEqualization.Equalized<MultiLayerNetwork> e = CrossLayerEqualization.equalize(net, false);
        assertEquals(List.of(new CrossLayerEqualization.Pair("0", "1", List.of())), e.pairs());
        assertArrayEquals(new float[] {2, 2}, e.model().getLayer(0).getParam("W").toFloatVector(), 1e-6f);
        assertArrayEquals(new float[] {1, 2}, e.model().getLayer(0).getParam("b").toFloatVector(), 1e-6f);
        assertArrayEquals(new float[] {2, 2}, e.model().getLayer(1).getParam("W").toFloatVector(), 1e-6f);
        assertEquals(2, e.sweeps(), "one sweep equalizes, the second finds nothing left to change");
        assertArrayEquals(new double[] {4, 1}, e.rangeSpread(), 1e-6);
        assertEquals(4f, net.getLayer(0).getParam("W").getFloat(0), "the input model is untouched");
    }

    @Test
    void aResidualNetIsEqualizedExactlyWhereItsChannelsAreReadOnce() {
        ComputationGraph folded = BatchNormFolding.fold(TestNets.residual(8)).model();
        Model inDouble = IdentityCheck.inDouble(folded);
        CrossLayerEqualization.Equalized<Model> e = CrossLayerEqualization.equalize(inDouble, false);
        // stem's output also feeds the residual add, b2's is the add's: only b1 → b2 and head → (pool) → out pair up
        assertEquals(List.of("b1→b2", "head→out"), e.pairs().stream().map(p -> p.producer() + "→" + p.consumer())
                .toList());
        assertEquals(List.of("gap"), e.pairs().get(1).between());
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 3, 10, 10);
        double relative = IdentityCheck.relativeDiffInDouble(inDouble, e.model(), x);
        System.out.printf("residual net equalized (%d sweeps, spread %.3g → %.3g): %.3g relative in double%n",
                e.sweeps(), e.rangeSpread()[0], e.rangeSpread()[1], relative);
        assertTrue(relative <= IdentityCheck.EXACT_RELATIVE_TOLERANCE, "exact: " + relative);
        assertTrue(e.rangeSpread()[1] < e.rangeSpread()[0], "channels more equal");
    }

    /**
     * A conv → max pool → flatten → dense pair: each conv channel feeds H·W = 16 rows of the dense weight (NCHW
     * flatten), all scaled by that channel's factor. (This failed on the Fashion-MNIST MLN: the per-row factors were
     * reshaped with {@code reshape(long, long)} where the order char was meant.)
     */
    @Test
    void aConvFeedingADenseLayerThroughAFlattenIsEqualizedExactly() {
        Model folded = BatchNormFolding.fold(TestNets.mln(4)).model();
        Model inDouble = IdentityCheck.inDouble(folded);
        CrossLayerEqualization.Equalized<Model> e = CrossLayerEqualization.equalize(inDouble, false);
        // after folding: 0 conv, 1 ReLU, 2 conv (ReLU), 3 max pool, 4 dense (tanh: not homogeneous), 5 output
        assertEquals(List.of("0→2", "2→4"), e.pairs().stream().map(p -> p.producer() + "→" + p.consumer()).toList());
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 3, 12, 12);
        double relative = IdentityCheck.relativeDiffInDouble(inDouble, e.model(), x);
        System.out.printf("conv → flatten → dense equalized (%d sweeps, spread %.3g → %.3g): %.3g relative in double%n",
                e.sweeps(), e.rangeSpread()[0], e.rangeSpread()[1], relative);
        assertTrue(relative <= IdentityCheck.EXACT_RELATIVE_TOLERANCE, "exact: " + relative);
    }

    @Test
    void mobileNetStyleChainsAreEqualizedThroughTheDepthwiseWithRelu6MadeRelu() {
        ComputationGraph folded = BatchNormFolding.fold(TestNets.depthwise(9)).model();
        Model inDouble = IdentityCheck.inDouble(folded);
        CrossLayerEqualization.Equalized<Model> none = CrossLayerEqualization.equalize(inDouble, false);
        assertEquals(List.of("pw→out"), none.pairs().stream().map(p -> p.producer() + "→" + p.consumer()).toList(),
                "ReLU6 blocks a pair unless it may become ReLU");
        CrossLayerEqualization.Equalized<Model> e = CrossLayerEqualization.equalize(inDouble, true);
        assertEquals(List.of("c0→dw", "dw→pw", "pw→out"), e.pairs().stream()
                .map(p -> p.producer() + "→" + p.consumer()).toList());
        assertEquals(List.of("c0-relu", "dw-relu"), e.relu6Replaced());
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 3, 9, 9);
        double relative = IdentityCheck.relativeDiffInDouble(CrossLayerEqualization.withRelu(inDouble,
                e.relu6Replaced()), e.model(), x);
        System.out.printf("depthwise chain equalized (%d sweeps, spread %.3g → %.3g): %.3g relative in double%n",
                e.sweeps(), e.rangeSpread()[0], e.rangeSpread()[1], relative);
        assertTrue(relative <= IdentityCheck.EXACT_RELATIVE_TOLERANCE, "exact against the ReLU model: " + relative);
        assertTrue(e.sweeps() > 2 && e.sweeps() <= CrossLayerEqualization.MAX_SWEEPS, "a chain needs sweeps");
    }
}
