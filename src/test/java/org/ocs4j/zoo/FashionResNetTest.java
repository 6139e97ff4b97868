package org.ocs4j.zoo;

import org.ocs4j.imports.ModelLoader;
import org.ocs4j.pipeline.OcsConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.ocs4j.Ocs;
import org.ocs4j.OcsModel;
import org.ocs4j.data.FashionMnist;
import org.ocs4j.rewrite.IdentityCheck;
import org.ocs4j.rewrite.Realization;
import org.ocs4j.testing.SharedData;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed ComputationGraph reference model {@code models/fashion-mnist-resnet.zip} (made by
 * {@code bin/ocs4j train fashion-mnist-resnet --seed 42 --out models/fashion-mnist-resnet.zip}): its accuracy on the
 * 10,000 test images, and OCS widening through its residual adds on real images; also the committed MLN widened on
 * real images.
 */
@org.junit.jupiter.api.Tag("data")
class FashionResNetTest {

    private static ComputationGraph net;
    private static DataSet test;

    @BeforeAll
    static void load() {
        SharedData.fashionMnist();
        net = (ComputationGraph) ModelLoader.load(Path.of("models/fashion-mnist-resnet.zip"));
        test = FashionMnist.test(FashionMnist.DEBIAN_DIR);
    }

    @Test
    void reachesNinetyOnePercentOnTheTestSet() {
        double accuracy = org.ocs4j.eval.ClassifierEvaluator.accuracy(net, test);
        System.out.printf("fashion-mnist-resnet test accuracy %.4f on %d images%n", accuracy, test.numExamples());
        assertEquals(10_000, test.numExamples());
        assertTrue(accuracy >= 0.91, "test accuracy " + accuracy);
    }

    /**
     * Regression: this configuration stopped with an ND4J "Op [add] execution failed" when a split layer's effective
     * weights were summed back — {@code get(point(23))} of the widened 24-channel weight of {@code down} came back
     * empty; {@code Channels.fold} now works on a dense copy.
     */
    @Test
    void budgetedPerChannelOcsAfterEqualizationQuantizesAt4Bits() {
        OcsConfig cfg = OcsConfig.builder().weightBits(4).activationBits(8).activationClip(org.ocs4j.quant.Clip.parse("mse"))
                .equalize(true).perChannel(true).budgetedExpandRatio(0.02).biasCorrection(true).build();
        OcsModel<ComputationGraph> q = Ocs.of(net).config(cfg).calibrateOn(org.ocs4j.data.Sampling.randomBatches(
                FashionMnist.train(FashionMnist.DEBIAN_DIR), 4, 32, 42), "Fashion-MNIST train, random 128").quantize();
        double accuracy = org.ocs4j.eval.ClassifierEvaluator.accuracy(q.model(), (DataSet) test.getRange(0, 1000));
        System.out.printf("fashion-mnist-resnet W4A8, CLE + per-channel + budgeted OCS 0.02 + BC: %.3f on 1,000 test"
                + " images; %s%n", accuracy, q.report().widening());
        assertTrue(q.report().widening().layers().stream().anyMatch(l -> l.layer().equals("down")),
                "the layer that failed is split");
        assertTrue(accuracy > 0.85, "W4A8 with the full toolbox stays near FP32 (91.69 %): " + accuracy);
    }

    @Test
    void theCommittedMlnWidenedKeepsItsOutputsOnRealImages() {
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork mln = (org.deeplearning4j.nn.multilayer.MultiLayerNetwork)
                ModelLoader.load(Path.of("models/fashion-mnist-mln.zip"));
        OcsModel<org.deeplearning4j.nn.multilayer.MultiLayerNetwork> r = Ocs.of(mln).config(OcsConfig.builder().gridAware(false).expandRatio(0.05).build()).inputShape(1, 28, 28).widen();
        assertTrue(r.report().widening().layers().size() >= 3, r.report().widening().toString());
        IdentityCheck check = IdentityCheck.run(mln, r.model(), ((DataSet) test.getRange(0, 1000)).getFeatures());
        System.out.printf("fashion-mnist-mln widened (r = 0.05, %d layers, flatten into the dense layer): max |Δ logit|"
                + " %.3g of %.3g%n", r.report().widening().layers().size(), check.maxAbsDiff(), check.maxAbsOutput());
        assertTrue(check.passes(1e-5), check.toString());
    }

    @Test
    void wideningThroughResidualAddsKeepsTheOutputs() {
        OcsModel<ComputationGraph> r = Ocs.of(net).config(OcsConfig.builder().gridAware(false).expandRatio(0.05).build()).inputShape(1, 28, 28).widen();
        assertTrue(r.report().widening().layers().stream().anyMatch(l -> l.realization() == Realization.DUPLICATION_VERTEX),
                "readers of the residual stream: " + r.report().widening());
        assertTrue(r.report().widening().layers().stream().anyMatch(l -> l.realization() == Realization.WIDENED_PRODUCER),
                r.report().widening().toString());
        INDArray x = ((DataSet) test.getRange(0, 256)).getFeatures();
        IdentityCheck check = IdentityCheck.run(net, r.model(), x);
        System.out.printf("fashion-mnist-resnet widened (r = 0.05, %d layers): max |Δ logit| %.3g of %.3g%n",
                r.report().widening().layers().size(), check.maxAbsDiff(), check.maxAbsOutput());
        assertTrue(check.passes(1e-5), check.toString());
        assertEquals(org.ocs4j.eval.ClassifierEvaluator.accuracy(net, test), org.ocs4j.eval.ClassifierEvaluator.accuracy(r.model(), test), 1e-4,
                "same predictions on the test set (at most one image may flip on a float tie)");
    }
}
