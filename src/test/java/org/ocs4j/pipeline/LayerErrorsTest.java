package org.ocs4j.pipeline;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.TestNets;
import org.ocs4j.graph.InputShape;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Node;
import org.ocs4j.progress.Progress;
import org.ocs4j.quant.QuantizedLayer;
import org.ocs4j.quant.Sqnr;
import org.ocs4j.rewrite.LayerReport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-layer errors compare like with like: a split layer's weight SQNR is measured on its effective weights in the
 * original layout, and every quantized layer reports its output error against FP32 on calibration inputs.
 */
class LayerErrorsTest {

    private static final InputShape SHAPE = InputShape.of(3, 12, 12);

    private static Work quantize(MultiLayerNetwork net, int activationBits) {
        OcsConfig c = OcsConfig.builder().weightBits(4).activationBits(activationBits).expandRatio(0.3).build();
        return Pipeline.quantization().run(new Work(c, net, new CalibrationData(
                QuantizationPipelineTest.calibration(SHAPE, 2, 1), "set A"), null, Progress.NONE));
    }

    @Test
    void theEffectiveWeightsOfAPlainFp32SplitAreTheOriginalWeightsExactly() {
        MultiLayerNetwork net = TestNets.mln(6);
        Work w = Pipeline.widening().run(new Work(OcsConfig.builder().expandRatio(0.3).gridAware(false).build(), net,
                null, null, Progress.NONE));
        NetworkGraph widened = NetworkGraph.of(w.model());
        NetworkGraph original = NetworkGraph.of(net);
        assertTrue(w.widening().layers().size() >= 2, "conv and dense layers split");
        for (LayerReport l : w.widening().layers()) {
            Node n = widened.find(l.layer()).orElseThrow();
            INDArray want = original.param(original.find(l.layer()).orElseThrow(), "W");
            assertEquals(want, l.effective(n.kind(), widened.param(n, "W"), want.shape()), l.layer());
        }
    }

    @Test
    void aSplitLayersWeightSqnrIsThatOfItsEffectiveWeightsAgainstTheUnsplitOnes() {
        MultiLayerNetwork net = TestNets.mln(6);
        Work w = quantize(net, 0); // weights only: the quantized model keeps the layer numbering
        NetworkGraph q = NetworkGraph.of(w.model());
        NetworkGraph original = NetworkGraph.of(net);
        for (LayerReport l : w.widening().layers()) {
            Node n = q.find(l.layer()).orElseThrow();
            INDArray unsplit = original.param(original.find(l.layer()).orElseThrow(), "W");
            double expected = Sqnr.of(unsplit, l.effective(n.kind(), q.param(n, "W"), unsplit.shape()));
            double widenedTensor = Sqnr.of(NetworkGraph.of(w.fp32).param(n, "W"), q.param(n, "W"));
            double reported = w.layers.get(n.name()).weightSqnrDb();
            System.out.printf("%s: effective-weight SQNR %.3f dB (reported %.3f), on the widened tensor %.3f dB%n",
                    l.layer(), expected, reported, widenedTensor);
            assertEquals(expected, reported, 1e-9);
        }
    }

    @Test
    void everyQuantizedLayerReportsItsOutputErrorAgainstFp32() {
        MultiLayerNetwork net = TestNets.mln(6);
        for (int a : new int[] {0, 8}) {
            Work w = quantize(net, a);
            for (QuantizedLayer l : w.layers()) {
                System.out.printf("W4A%d %s: output error vs FP32 %.4g%n", a, l.layer(), l.outputError());
                assertTrue(l.outputError() > 0 && l.outputError() < 1, l.layer() + ": " + l.outputError());
            }
        }
        Work none = Pipeline.quantization().run(new Work(OcsConfig.builder().weightBits(8).activationBits(0).build(), net, null, null,
                Progress.NONE));
        assertTrue(none.layers().stream().allMatch(l -> Double.isNaN(l.outputError())), "no data, no measurement");
    }
}
