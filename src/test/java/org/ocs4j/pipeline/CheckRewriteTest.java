package org.ocs4j.pipeline;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.ocs4j.TestNets;
import org.ocs4j.graph.InputShape;
import org.ocs4j.progress.Progress;
import org.ocs4j.rewrite.IdentityCheck;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every OCS rewrite is checked exact in double precision, and a rewrite that is not is refused, naming where. */
class CheckRewriteTest {

    private static final InputShape SHAPE = InputShape.of(3, 12, 12);

    @Test
    void aWidenedModelIsExactInDoubleAndTheReportSaysOnWhat() {
        MultiLayerNetwork net = TestNets.mln(6);
        CalibrationData data = new CalibrationData(QuantizationPipelineTest.calibration(SHAPE, 2, 1), "set A");
        Work w = Pipeline.widening().run(new Work(OcsConfig.builder().expandRatio(0.2).build(), net, data, null,
                Progress.NONE));
        System.out.println("identity: " + w.identity());
        assertTrue(w.identity().startsWith("exact: outputs in double precision within")
                && w.identity().contains("on the first 2 calibration examples; the split halves sum back"),
                w.identity());
        IdentityCheck both = IdentityCheck.onRandomInputs(net, w.model(), 3, SHAPE.withBatch(4));
        System.out.println("grid-aware halves, random inputs: " + both);
        assertTrue(both.relativeDiff64() < 1e-6, "grid-aware halves differ by their float32 rounding only: " + both);
        Work plain = Pipeline.widening().run(new Work(OcsConfig.builder().expandRatio(0.2).gridAware(false).build(),
                net, data, null, Progress.NONE));
        assertTrue(plain.identity().endsWith("(exactly)"), plain.identity());
        IdentityCheck exact = IdentityCheck.onRandomInputs(net, plain.model(), 3, SHAPE.withBatch(4));
        System.out.println("plain halves, random inputs: " + exact);
        assertTrue(exact.relativeDiff64() <= 1e-12 && exact.relativeDiff() > exact.relativeDiff64(),
                "double shows plain halving exact where float32 shows its rounding: " + exact);

        Work noInputs = Pipeline.widening().run(new Work(OcsConfig.builder().expandRatio(0.2).build(), net, null,
                null, Progress.NONE));
        assertTrue(noInputs.identity().startsWith("not checked"), noInputs.identity());
        Work typed = Pipeline.widening().run(new Work(OcsConfig.builder().expandRatio(0.2).build(), net, null,
                null, Progress.NONE, SHAPE.toInputType()));
        assertTrue(typed.identity().contains("on 2 seeded random inputs"), typed.identity());
    }

    @Test
    void aRewriteThatChangesTheFunctionIsRefusedNamingTheFirstChangedLayer() {
        MultiLayerNetwork net = TestNets.mln(6);
        CalibrationData data = new CalibrationData(QuantizationPipelineTest.calibration(SHAPE, 2, 1), "set A");
        Work w = Pipeline.widening().run(new Work(OcsConfig.builder().expandRatio(0.2).build(), net, data, null,
                Progress.NONE));
        MultiLayerNetwork broken = ((MultiLayerNetwork) w.model()).clone();
        var bias = broken.getLayer(3).getParam("b");
        bias.putScalar(0, bias.getDouble(0) + 1e-6); // one parameter off by about float32's resolution
        w.fp32 = broken;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new CheckRewrite().run(w));
        System.out.println(e.getMessage());
        assertTrue(e.getMessage().contains("first at layer \"layer3\"") && e.getMessage().contains("ocs4j bug"),
                e.getMessage());
    }
}
