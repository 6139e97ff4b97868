package org.ocs4j.pipeline;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.TestNets;
import org.ocs4j.graph.InputShape;
import org.ocs4j.progress.Progress;
import org.ocs4j.rewrite.IdentityCheck;
import org.ocs4j.rewrite.LayerReport;
import org.ocs4j.rewrite.ModelWidener;
import org.ocs4j.rewrite.SkippedLayer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Activation OCS keeps the FP32 function, halves the outlier input channels, and refuses what it cannot halve. */
class SplitActivationsTest {

    /** Activation OCS alone, at expand ratio 0.25, calibrated on {@code batches} batches. */
    private static ModelWidener.Widened split(Model model, org.nd4j.linalg.dataset.api.iterator.DataSetIterator data,
                                              int batches) {
        OcsConfig c = OcsConfig.builder().activationExpandRatio(0.25).calibrationBatches(batches).build();
        Work w = new Pipeline(java.util.List.of(new SplitActivations())).run(new Work(c, model, new CalibrationData(data, "test batches"), null,
                Progress.NONE));
        return new ModelWidener.Widened(w.model(), w.activationSplitting());
    }

    @Test
    void mlnInputRangesShrinkAndTheFunctionIsUnchanged() {
        InputShape shape = InputShape.of(3, 12, 12);
        MultiLayerNetwork net = TestNets.mln(8);
        ModelWidener.Widened w = split(net, QuantizationPipelineTest.calibration(shape, 3, 8), 3);
        for (LayerReport l : w.report().layers()) {
            System.out.println(l);
        }
        w.report().skipped().forEach(System.out::println);
        LayerReport conv = w.report().layers().stream().filter(l -> l.layer().equals("layer3")).findFirst().orElseThrow();
        assertEquals("layer0", conv.via(), "halved at the batch norm of layer0's chain");
        assertTrue(conv.maxAbsAfter() < conv.maxAbsBefore());
        SkippedLayer out = w.report().skipped().stream().filter(s -> s.layer().equals("layer6")).findFirst().orElseThrow();
        assertTrue(out.reason().contains("not positively homogeneous"), out.reason());

        INDArray x = QuantizationPipelineTest.calibration(shape, 1, 8).next().getFeatures();
        IdentityCheck check = IdentityCheck.run(net, w.model(), x);
        System.out.println(check);
        assertTrue(check.passes(1e-5), check.toString());
        // Measured on the widened model: the largest activation entering layer3 is the planned maximum.
        INDArray entering = ((MultiLayerNetwork) w.model()).feedForward(x, false).get(3);
        assertTrue(entering.amaxNumber().doubleValue() <= conv.maxAbsAfter() * (1 + 1e-6),
                entering.amaxNumber() + " vs planned " + conv.maxAbsAfter());
    }

    @Test
    void graphsSplitWhereTheChainIsHomogeneousAndSkipTheRest() {
        InputShape shape = InputShape.of(3, 10, 10);
        Model residual = TestNets.residual(9);
        ModelWidener.Widened w = split(residual, QuantizationPipelineTest.calibration(shape, 2, 9), 2);
        assertTrue(w.report().layers().stream().anyMatch(l -> l.layer().equals("b2") && l.via().equals("b1")));
        assertTrue(w.report().skipped().stream().anyMatch(s -> s.layer().equals("head")));
        IdentityCheck check = IdentityCheck.run(residual, w.model(),
                QuantizationPipelineTest.calibration(shape, 1, 9).next().getFeatures());
        assertTrue(check.passes(1e-5), check.toString());

        ModelWidener.Widened dw = split(TestNets.depthwise(2), QuantizationPipelineTest.calibration(InputShape.of(3, 9, 9), 2, 2), 2);
        SkippedLayer pw = dw.report().skipped().stream().filter(s -> s.layer().equals("pw")).findFirst().orElseThrow();
        assertTrue(pw.reason().contains("relu6"), pw.reason());
    }
}
