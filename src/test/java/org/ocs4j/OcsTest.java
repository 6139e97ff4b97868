package org.ocs4j;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.graph.InputShape;
import org.ocs4j.pipeline.OcsConfig;
import org.ocs4j.pipeline.QuantizationPipelineTest;
import org.ocs4j.quant.ClipMethod;
import org.ocs4j.quant.QuantizedLayer;
import org.ocs4j.rewrite.IdentityCheck;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The facade as a library user meets it: typed results, the caller's model untouched, clear refusals. */
class OcsTest {

    private static final InputShape SHAPE = InputShape.of(3, 12, 12);

    @Test
    void widenKeepsTheModelKindAndTheFunction() {
        MultiLayerNetwork net = TestNets.mln(2);
        INDArray before = net.params().dup();
        OcsModel<MultiLayerNetwork> w = Ocs.of(net).config(OcsConfig.builder().expandRatio(0.2).build())
                .inputShape(3, 12, 12).widen();
        MultiLayerNetwork wide = w.model(); // typed: no cast
        assertTrue(wide.numParams() > net.numParams());
        assertTrue(w.report().widening().layers().size() >= 2, w.report().toString());
        assertTrue(w.report().layers().isEmpty(), "widening alone quantizes nothing");
        IdentityCheck check = w.checkIdentity(7, 4, SHAPE);
        System.out.println("facade widen r=0.2: " + check);
        assertTrue(check.passes(1e-5), check.toString());
        assertArrayEquals(before.toFloatVector(), net.params().toFloatVector(), 0f, "the caller's model is untouched");

        OcsModel<ComputationGraph> g = Ocs.of(TestNets.residual(3)).config(OcsConfig.builder().expandRatio(0.2)
                .build()).widen();
        assertTrue(g.checkIdentity(7, 4, InputShape.of(3, 10, 10)).passes(1e-5));
    }

    @Test
    void quantizeGivesACalibratedModelThatSavesAndRestores(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = TestNets.mln(5);
        OcsConfig cfg = OcsConfig.builder().weightBits(6).activationBits(8).weightClip(ClipMethod.MSE)
                .expandRatio(0.1).calibrationBatches(2).build();
        OcsModel<MultiLayerNetwork> q = Ocs.of(net).config(cfg)
                .calibrateOn(QuantizationPipelineTest.calibration(SHAPE, 2, 5)).quantize();
        System.out.println(q);
        assertEquals(cfg, q.report().config());
        assertTrue(q.report().widening() != null && !q.report().widening().layers().isEmpty());
        for (QuantizedLayer l : q.report().layers()) {
            assertTrue(l.activationGrid() != null && l.activationAlpha() > 0, "every quantizer calibrated: " + l);
        }
        assertTrue(q.report().calibration().contains("2 batches"), q.report().calibration());
        assertTrue(q.provenance().settings().contains("W6A8"), q.provenance().settings());
        assertTrue(q.provenance().backend().contains("device"), q.provenance().backend());

        Path file = dir.resolve("q.zip");
        q.save(file);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file.toFile());
        INDArray x = QuantizationPipelineTest.calibration(SHAPE, 1, 9).next().getFeatures();
        assertEquals(q.model().output(x), restored.output(x), "the calibrated clip values are in the saved model");
        double error = q.checkIdentity(x).relativeDiff();
        System.out.printf("facade W6A8 OCS 0.1 + MSE: relative logit error %.3g%n", error);
        assertTrue(error > 0 && error < 0.1, "fixed point: close to FP32 but not identical: " + error);
    }

    @Test
    void activationQuantizationWithoutCalibrationDataIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ocs.of(TestNets.mln(1)).quantize());
        assertTrue(e.getMessage().contains("calibration data") && e.getMessage().contains("activation bits 0"),
                e.getMessage());
        OcsModel<MultiLayerNetwork> weightsOnly = Ocs.of(TestNets.mln(1))
                .config(OcsConfig.builder().activationBits(0).build()).quantize();
        assertNull(weightsOnly.report().calibration(), "weights only: no calibration");
        assertNotSame(weightsOnly.model(), weightsOnly.original());
    }

    @Test
    void aModelOfAnotherKindIsRefused(@TempDir Path dir) throws Exception {
        assertThrows(IllegalArgumentException.class, () -> Ocs.ofModel(null));
        Path bad = dir.resolve("bad.zip");
        Files.writeString(bad, "not a model");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ocs.load(bad));
        assertTrue(e.getMessage().contains("bad.zip"), e.getMessage());
    }
}
