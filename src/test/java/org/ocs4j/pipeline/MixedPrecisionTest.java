package org.ocs4j.pipeline;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.ocs4j.Ocs;
import org.ocs4j.OcsModel;
import org.ocs4j.TestNets;
import org.ocs4j.eval.OutputError;
import org.ocs4j.graph.InputShape;
import org.ocs4j.quant.QuantizedLayer;

import java.util.Arrays;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mixed precision in the pipeline: every layer's weights end on a grid of its own width (at most 2^b codes), the
 * widths keep the budget of average bits, the whole model's output error beats one width for all, and grid-aware OCS
 * places each split layer's halves on that layer's grid (the widened FP32 model stays exact).
 */
class MixedPrecisionTest {

    private static final InputShape RESIDUAL = InputShape.of(3, 10, 10);

    @Test
    void eachLayerGetsItsOwnWidthWithinTheAverageBudgetAndTheOutputErrorFalls() {
        ComputationGraph net = TestNets.residual(7);
        ListDataSetIterator<DataSet> data = QuantizationPipelineTest.calibration(RESIDUAL, 2, 7);
        OcsModel<ComputationGraph> uniform = Ocs.of(net).config(OcsConfig.builder().weightBits(4).activationBits(0)
                .build()).calibrateOn(data, "random batches").quantize();
        OcsModel<ComputationGraph> mixed = Ocs.of(net).config(OcsConfig.builder().weightBits(4).activationBits(0)
                .mixedPrecision(true).build()).calibrateOn(data, "random batches").quantize();
        String line = mixed.report().preparation().get(0);
        System.out.println(line);
        assertTrue(line.startsWith("mixed precision: "), line);
        long weights = 0;
        long bits = 0;
        for (QuantizedLayer l : mixed.report().layers()) {
            INDArray w = mixed.model().getLayer(l.layer()).getParam("W");
            assertTrue(l.weightBits() >= 2 && l.weightBits() <= 8, l.layer() + " at " + l.weightBits() + " bits");
            long levels = distinct(w);
            assertTrue(levels <= 1L << l.weightBits(), l.layer() + ": " + levels + " distinct weights on a "
                    + l.weightBits() + "-bit grid");
            weights += w.length();
            bits += w.length() * l.weightBits();
        }
        double average = (double) bits / weights;
        double before = OutputError.relative(net, uniform.model(), data, 2);
        double after = OutputError.relative(net, mixed.model(), data, 2);
        System.out.printf("widths %s: %.4f bits per weight; output error vs FP32 on the calibration data: W4 for"
                + " every layer %.4g, mixed %.4g%n", mixed.report().layers().stream().map(l -> l.layer() + " "
                + l.weightBits()).collect(Collectors.joining(", ")), average, before, after);
        assertTrue(average <= 4 + 1e-12, "average " + average);
        assertTrue(line.contains(String.format(java.util.Locale.ROOT, "%.2f bits per weight (budget 4)", average)),
                line);
        assertTrue(mixed.report().layers().stream().mapToInt(QuantizedLayer::weightBits).distinct().count() > 1,
                "the widths differ between layers");
        assertTrue(after < before, "mixed " + after + " vs uniform " + before);
        assertTrue(uniform.report().layers().stream().allMatch(l -> l.weightBits() == 4));
    }

    @Test
    void gridAwareOcsPlacesEachSplitLayersHalvesOnItsOwnGridAndStaysExact() {
        ComputationGraph net = TestNets.residual(8);
        ListDataSetIterator<DataSet> data = QuantizationPipelineTest.calibration(RESIDUAL, 2, 8);
        OcsModel<ComputationGraph> q = Ocs.of(net).config(OcsConfig.builder().weightBits(4).activationBits(0)
                .mixedPrecision(true).expandRatio(0.25).foldBatchNorm(true).build())
                .calibrateOn(data, "random batches").quantize();
        System.out.println(q.report().preparation() + "\n" + q.report().identity());
        assertTrue(q.report().identity().startsWith("exact"), q.report().identity());
        assertTrue(q.report().widening().layers().size() > 0, "something was split");
        assertTrue(net.getConfiguration().getVertices().containsKey("stem-bn"), "the caller's model is untouched");
        for (var split : q.report().widening().layers()) {
            QuantizedLayer l = q.report().layers().stream().filter(x -> x.layer().equals(split.layer())).findFirst()
                    .orElseThrow();
            long levels = distinct(q.model().getLayer(l.layer()).getParam("W"));
            System.out.printf("%s: %d bits, %d distinct weights after splitting%n", l.layer(), l.weightBits(), levels);
            assertTrue(levels <= 1L << l.weightBits(), l.layer() + ": " + levels + " distinct weights");
        }
    }

    @Test
    void needsCalibrationDataAndSaysWhatElseToDo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ocs.of(TestNets.residual(1))
                .config(OcsConfig.builder().activationBits(0).mixedPrecision(true).build()).quantize());
        assertTrue(e.getMessage().contains("mixed precision needs calibration data")
                && e.getMessage().contains("give the weights one width"), e.getMessage());
    }

    private static long distinct(INDArray w) {
        return Arrays.stream(w.dup().data().asDouble()).distinct().count();
    }
}
