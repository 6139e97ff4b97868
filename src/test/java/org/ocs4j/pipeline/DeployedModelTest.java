package org.ocs4j.pipeline;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.ocs4j.Ocs;
import org.ocs4j.OcsModel;
import org.ocs4j.TestNets;
import org.ocs4j.graph.InputShape;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Networks;
import org.ocs4j.graph.Node;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Rint;
import org.ocs4j.rewrite.IdentityCheck;
import org.ocs4j.rewrite.LayerReport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stages that make the deployed model: batch-norm folding as a pipeline setting (checked exact in double
 * precision), per-channel scales together with grid-aware OCS, and bias correction.
 */
class DeployedModelTest {

    private static final InputShape RESIDUAL = InputShape.of(3, 10, 10);

    @Test
    void foldingIsAPipelineSettingCheckedExactAndTheWidenedFoldedModelKeepsTheFunction() {
        ComputationGraph net = TestNets.residual(5);
        OcsModel<ComputationGraph> w = Ocs.of(net).config(OcsConfig.builder().foldBatchNorm(true).expandRatio(0.2)
                .build()).calibrateOn(QuantizationPipelineTest.calibration(RESIDUAL, 1, 5), "random batches").widen();
        String folding = w.report().preparation().get(0);
        System.out.println("fold + widen: " + folding + "\n  " + w.report().identity());
        assertTrue(folding.startsWith("batch norms: folded 3 of 3 into the layer before (exact:"), folding);
        assertFalse(w.model().getConfiguration().getVertices().values().stream().anyMatch(v ->
                v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv
                        && lv.getLayerConf().getLayer() instanceof BatchNormalization), "no batch norm is left");
        assertTrue(net.getConfiguration().getVertices().containsKey("stem-bn"), "the caller's model is untouched");
        IdentityCheck check = w.checkIdentity(7, 4, RESIDUAL);
        System.out.println("folded and widened vs original, float32: " + check);
        assertTrue(check.passes(1e-4), check.toString());
    }

    @Test
    void equalizationFoldsFirstIsCheckedExactAndLeavesRelu6Alone() {
        ComputationGraph net = TestNets.depthwise(3);
        OcsModel<ComputationGraph> q = Ocs.of(net).config(OcsConfig.builder().equalize(true).weightBits(6)
                .activationBits(0).build()).inputShape(3, 9, 9).quantize();
        System.out.println(String.join("\n", q.report().preparation()));
        assertTrue(q.report().config().foldBatchNorm(), "equalization folds batch norms");
        assertTrue(q.report().preparation().get(0).startsWith("batch norms: folded 2 of 2"));
        String cle = q.report().preparation().get(1);
        // c0 → dw and dw → pw pass ReLU6 (not homogeneous: left alone); pw → global pool → out is the one pair
        assertTrue(cle.startsWith("cross-layer equalization: 1 pairs") && cle.contains("(exact: in double precision"),
                cle);
        assertTrue(q.model().getLayer("dw-relu").conf().getLayer().toString().contains("activationFn=relu6"),
                "ReLU6 kept: " + q.model().getLayer("dw-relu").conf().getLayer());
        OcsModel<ComputationGraph> widened = Ocs.of(TestNets.residual(2)).config(OcsConfig.builder().equalize(true)
                .expandRatio(0.2).build()).inputShape(3, 10, 10).widen();
        IdentityCheck check = widened.checkIdentity(3, 4, RESIDUAL);
        System.out.println("folded, equalized and widened vs original, float32: " + check);
        assertTrue(check.passes(1e-4), check.toString());
    }

    @Test
    void foldingARunWithoutBatchNormsSaysSo() {
        MultiLayerNetwork net = TestNets.mln(3);
        OcsModel<MultiLayerNetwork> q = Ocs.of(net).config(OcsConfig.builder().foldBatchNorm(true).activationBits(0)
                .build()).inputShape(3, 12, 12).quantize();
        assertEquals(net.getnLayers() - 1, q.model().getnLayers(), "the MLN's conv → BN pair folds into one layer");
        assertTrue(q.report().preparation().get(0).startsWith("batch norms: folded 1 of 1"),
                q.report().preparation().toString());
        OcsModel<MultiLayerNetwork> again = Ocs.of(q.model()).config(OcsConfig.builder().foldBatchNorm(true)
                .activationBits(0).build()).quantize();
        assertTrue(again.report().preparation().get(0).contains("folded 0 of 0"), again.report().toString());
    }

    /**
     * Per-channel grids with grid-aware OCS: a split layer's quantized halves, summed back, are the unsplit weights
     * rounded on the grids the split was placed on, {@code rint(w·s_o)/s_o} with {@code s_o = (2^(b-1) − 1)/α_o} —
     * the grid-aware promise, per output channel; unclamped, since a split channel's weights reach {@code 2α_o}.
     */
    @Test
    void perChannelGridAwareHalvesSumToThePerChannelQuantizedOriginal() {
        ComputationGraph net = TestNets.residual(4);
        for (int bits : new int[] {4, 6}) {
            OcsModel<ComputationGraph> q = Ocs.of(net).config(OcsConfig.builder().weightBits(bits).activationBits(0)
                    .perChannel(true).expandRatio(0.25).build()).inputShape(3, 10, 10).quantize();
            NetworkGraph original = NetworkGraph.of(net);
            NetworkGraph quantized = NetworkGraph.of(q.model());
            assertTrue(q.report().widening().layers().size() >= 3, q.report().toString());
            for (LayerReport l : q.report().widening().layers()) {
                assertNotNull(l.gridAlphas(), l.layer() + " was split on per-channel grids");
                Node n = original.find(l.layer()).orElseThrow();
                INDArray w = original.param(n, "W");
                double[] scales = java.util.Arrays.stream(l.gridAlphas()).map(a -> ((1 << (bits - 1)) - 1) / a)
                        .toArray();
                INDArray s = Nd4j.createFromArray(scales).castTo(w.dataType());
                s = n.kind() == org.ocs4j.graph.NodeKind.CONV ? s.reshape(w.size(0), 1, 1, 1) // [O, I, kh, kw]
                        : s.reshape(1, w.size(1)); // dense and output: [I, O]
                INDArray u = w.mul(s);
                INDArray expected = Nd4j.getExecutioner().exec(new Rint(u, u)).divi(s); // round half to even
                INDArray effective = l.effective(n.kind(), quantized.param(quantized.find(l.layer()).orElseThrow(),
                        "W"), w.shape());
                double step = java.util.Arrays.stream(l.gridAlphas()).max().orElseThrow() / ((1 << (bits - 1)) - 1);
                double worst = effective.sub(expected).amaxNumber().doubleValue();
                System.out.printf("W%d per-channel OCS %s: max |effective − Q_ch(w)| = %.3g (grid step up to %.3g)%n",
                        bits, l.layer(), worst, step);
                assertTrue(effective.sub(w).amaxNumber().doubleValue() > 0, "the weights were quantized");
                // exact up to the float32 rounding of the halves (one rounding each, ~1e-7 of |w|)
                assertTrue(worst <= 1e-5 * w.amaxNumber().doubleValue(), l.layer() + ": " + worst);
            }
        }
    }

    @Test
    void budgetedOcsSpendsAtMostTheExtraWeightsOfTheUniformRatioAndStaysExact() {
        ComputationGraph net = TestNets.residual(7);
        ListDataSetIterator<DataSet> data = QuantizationPipelineTest.calibration(RESIDUAL, 2, 7);
        OcsModel<ComputationGraph> uniform = Ocs.of(net).config(OcsConfig.builder().weightBits(4).activationBits(0)
                .expandRatio(0.25).build()).calibrateOn(data, "random batches").quantize();
        OcsModel<ComputationGraph> budgeted = Ocs.of(net).config(OcsConfig.builder().weightBits(4).activationBits(0)
                .budgetedExpandRatio(0.25).build()).calibrateOn(data, "random batches").quantize();
        String line = budgeted.report().preparation().get(0);
        System.out.println(line + "\n  uniform: " + uniform.report().widening().extraWeights() + " extra weights; "
                + budgeted.report().identity());
        assertTrue(line.startsWith("budgeted OCS: "), line);
        assertTrue(line.contains(String.format(java.util.Locale.ROOT, "of %,d extra weights",
                uniform.report().widening().extraWeights())), line);
        assertTrue(budgeted.report().widening().extraWeights() <= uniform.report().widening().extraWeights());
        assertTrue(budgeted.report().identity().startsWith("exact"), budgeted.report().identity());
        assertThrows(IllegalArgumentException.class, () -> OcsConfig.builder().expandRatio(0.1)
                .budgetedExpandRatio(0.1).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ocs.of(net)
                .config(OcsConfig.builder().activationBits(0).budgetedExpandRatio(0.1).build()).quantize());
        assertTrue(e.getMessage().contains("budgeted OCS needs calibration data"), e.getMessage());
    }

    @Test
    void biasCorrectionNeedsCalibrationDataAndNamesTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ocs.of(TestNets.mln(1))
                .config(OcsConfig.builder().activationBits(0).biasCorrection(true).build()).quantize());
        assertTrue(e.getMessage().contains("correct biases needs calibration data")
                && e.getMessage().contains("turn bias correction off"), e.getMessage());
    }

    /**
     * Bias correction removes the mean output shift weight quantization causes: measured at the logits of the
     * whole quantized model (every layer's error included) on the calibration data, per output, against FP32.
     */
    @Test
    void biasCorrectionShrinksTheMeanOutputShiftOnCalibrationData() {
        ComputationGraph net = TestNets.residual(6);
        ListDataSetIterator<DataSet> data = QuantizationPipelineTest.calibration(RESIDUAL, 4, 6);
        double[] shift = new double[2];
        for (int i = 0; i < 2; i++) {
            OcsModel<ComputationGraph> q = Ocs.of(net).config(OcsConfig.builder().weightBits(4).activationBits(0)
                    .foldBatchNorm(true).biasCorrection(i == 1).build()).calibrateOn(data, "random batches")
                    .quantize();
            shift[i] = meanShift(net, q.model(), data);
            if (i == 1) {
                System.out.println(q.report().preparation());
                assertTrue(q.report().preparation().get(1).startsWith("bias correction: 5 layers corrected"),
                        q.report().preparation().toString());
            }
        }
        System.out.printf("W4 folded residual net, mean |E[logit_q − logit_fp32]| over outputs: %.4g without bias"
                + " correction, %.4g with%n", shift[0], shift[1]);
        assertTrue(shift[1] < 0.5 * shift[0], shift[1] + " vs " + shift[0]);
    }

    /** @return mean over outputs of |mean over examples of (logit_q − logit_fp32)| */
    private static double meanShift(Model fp32, Model q, ListDataSetIterator<DataSet> data) {
        data.reset();
        INDArray sum = null;
        long n = 0;
        while (data.hasNext()) {
            INDArray x = data.next().getFeatures();
            INDArray d = IdentityCheck.logits(q, x)[0].sub(IdentityCheck.logits(fp32, x)[0]).sum(0);
            sum = sum == null ? d : sum.addi(d);
            n += x.size(0);
        }
        data.reset();
        return sum.div(n).norm1Number().doubleValue() / sum.length();
    }
}
