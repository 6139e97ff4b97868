package org.ocs4j.imports;

import org.ocs4j.pipeline.OcsConfig;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.Ocs;
import org.ocs4j.OcsModel;
import org.ocs4j.data.Cifar10;
import org.ocs4j.data.ImagePreprocessing;
import org.ocs4j.data.LabelledImages;
import org.ocs4j.data.Normalization;
import org.ocs4j.eval.ClassificationResult;
import org.ocs4j.eval.ClassifierEvaluator;
import org.ocs4j.progress.Progress;
import org.ocs4j.rewrite.ChannelDuplicationVertex;
import org.ocs4j.rewrite.IdentityCheck;
import org.ocs4j.rewrite.Realization;
import org.ocs4j.testing.SharedData;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Keras CIFAR-10 ResNet-20 (NHWC, residual adds) imported through DL4J's Keras import: its accuracy on the
 * 10,000 test JPEGs, and OCS widening of its residual stream through channels-last duplication vertices.
 */
@org.junit.jupiter.api.Tag("data")
class KerasResNet20Test {

    /** Measured independently for this file with a numpy forward pass and {@code x/255} input. */
    private static final double REFERENCE_TOP1 = 0.8067;

    private static ComputationGraph net;
    private static LabelledImages test;
    private static final ImagePreprocessing PRE = ImagePreprocessing.resize(32, 32, Normalization.UNIT).channelsLast();

    @BeforeAll
    static void load() {
        Model m = ModelLoader.load(SharedData.require("models/cifar10_resnet20/cifar10_ResNet20v1_model.h5"));
        net = (ComputationGraph) m;
        test = Cifar10.classFolders(SharedData.require("cifar10/test"));
    }

    @Test
    void theInputSizeComesFromTheKerasInputLayer() {
        int[] hw = KerasModels.imageSize(SharedData.require("models/cifar10_resnet20/cifar10_ResNet20v1_model.h5"))
                .orElseThrow();
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {32, 32}, hw);
    }

    @Test
    void top1OnTheTenThousandTestImagesMatchesTheIndependentMeasurement() {
        // outputs by the fast executor (FastInferenceTest holds it to DL4J's output() on this model): DL4J's own
        // output() takes four minutes for the 10,000 images here
        ClassificationResult r = ClassifierEvaluator.evaluate(net, test.iterator(PRE, 250), 0, test.size(),
                org.ocs4j.exec.Executor.FAST, Progress.NONE);
        System.out.println("CIFAR-10 ResNet-20 (Keras import), " + PRE + ": " + r);
        assertEquals(10_000, r.examples());
        assertEquals(REFERENCE_TOP1, r.top1(), 0.002, "within 0.2 points of the independent 80.67 %");
    }

    @Test
    void widenedResNet20KeepsItsOutputsAndSavesWithItsDuplicationVertices(@TempDir Path tmp) throws Exception {
        OcsModel<ComputationGraph> r = Ocs.of(net).config(OcsConfig.builder().gridAware(false).expandRatio(0.05).build()).inputShape(3, 32, 32).widen();
        System.out.println(r.report().widening());
        long viaVertex = r.report().widening().layers().stream()
                .filter(l -> l.realization() == Realization.DUPLICATION_VERTEX).count();
        long viaProducer = r.report().widening().layers().stream()
                .filter(l -> l.realization() == Realization.WIDENED_PRODUCER).count();
        assertTrue(viaVertex > 0 && viaProducer > 0, "residual-stream readers use NHWC duplication vertices,"
                + " block-internal convs widen their producer: " + r.report().widening());
        assertTrue(r.model().getConfiguration().getVertices().values().stream()
                .anyMatch(v -> v instanceof ChannelDuplicationVertex));
        INDArray x = test.first(64).iterator(PRE, 64).next().getFeatures();
        IdentityCheck check = IdentityCheck.run(net, r.model(), x);
        System.out.printf("ResNet-20 widened (r = 0.05; %d via producer, %d via vertex): max |Δ| %.3g of %.3g%n",
                viaProducer, viaVertex, check.maxAbsDiff(), check.maxAbsOutput());
        assertTrue(check.passes(1e-5), check.toString());

        Path file = tmp.resolve("resnet20-ocs.zip");
        ModelSerializer.writeModel(r.model(), file.toFile(), false);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file.toFile(), false);
        assertEquals(r.model().outputSingle(false, x), restored.outputSingle(false, x));
    }
}
