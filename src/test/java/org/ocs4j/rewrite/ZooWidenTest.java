package org.ocs4j.rewrite;

import org.ocs4j.pipeline.OcsConfig;
import org.ocs4j.graph.LayerPolicy;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.Ocs;
import org.ocs4j.OcsModel;
import org.ocs4j.graph.InputShape;
import org.ocs4j.zoo.ZooModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Widening the DL4J zoo ResNet50 and VGG16 (seeded random weights, 224×224): identity of the logits within
 * {@code 1e-5·max|logit|}
 * at r ∈ {0.01, 0.05, 0.2} with and without grid-aware splitting, and the paper's overhead figures for ResNet-50.
 * Batch-norm statistics are calibrated ({@link ZooModels}) so that the random networks' outputs are finite.
 */
class ZooWidenTest {

    static final InputShape IMAGE = InputShape.of(3, 224, 224);
    static ComputationGraph resnet;
    static INDArray images;
    static INDArray[] resnetLogits;

    @BeforeAll
    static void build() {
        resnet = (ComputationGraph) ZooModels.create("resnet50", 1);
        Nd4j.getRandom().setSeed(3);
        images = Nd4j.randn(DataType.FLOAT, IMAGE.withBatch(2));
        resnetLogits = IdentityCheck.logits(resnet, images);
    }

    @Test
    void resnet50ReferenceOverheadMatchesThePaper() {
        long[] expected = {271_872, 510_592, 1_195_008};
        double[] ratios = {0.01, 0.02, 0.05};
        for (int i = 0; i < ratios.length; i++) {
            OcsModel<ComputationGraph> r = Ocs.of(resnet).config(OcsConfig.builder().gridAware(false).expandRatio(ratios[i]).policy(LayerPolicy.reference()).build()).inputShape(IMAGE.dims()).widen();
            System.out.printf("ResNet50 reference r=%.2f: %s%n", ratios[i], r.report().widening());
            assertEquals(expected[i], r.report().widening().extraWeights(), "extra weights at r = " + ratios[i]);
            assertEquals(52, r.report().widening().layers().size(), "every conv but the 3-channel stem");
            check("ResNet50 reference r=" + ratios[i], r.model());
        }
    }

    @Test
    void resnet50DefaultPolicyIsExactWithAndWithoutGridAwareSplitting() {
        for (double r : new double[] {0.01, 0.05, 0.2}) {
            for (int bits : new int[] {0, 8}) {
                OcsModel<ComputationGraph> w = Ocs.of(resnet).config(OcsConfig.builder().gridAware(false).expandRatio(r).gridAware(bits != 0).weightBits(bits != 0 ? bits : 8).build()).widen();
                assertEquals(54, w.report().widening().layers().size(), "53 convs and the output layer");
                check("ResNet50 default r=" + r + " gridAwareBits=" + bits, w.model());
            }
        }
    }

    @Test
    void vgg16IsExactWithAndWithoutGridAwareSplitting() {
        ComputationGraph vgg = (ComputationGraph) ZooModels.create("vgg16", 2);
        INDArray x = images.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)).dup();
        INDArray[] vggLogits = IdentityCheck.logits(vgg, x);
        for (double r : new double[] {0.01, 0.05, 0.2}) {
            for (int bits : new int[] {0, 8}) {
                OcsModel<ComputationGraph> w = Ocs.of(vgg).config(OcsConfig.builder().gridAware(false).expandRatio(r).gridAware(bits != 0).weightBits(bits != 0 ? bits : 8).build()).widen();
                check(vggLogits, w.model(), x, "VGG16 r=" + r + " gridAwareBits=" + bits);
            }
        }
    }

    private static INDArray[] softmax(INDArray[] logits) {
        return new INDArray[] {new ActivationSoftmax().getActivation(logits[0].dup(), false)};
    }

    @Test
    void resnet50IsExactInDoublePrecision() {
        // In float64 rounding noise is ~1e-15, so any real error (a wrong column, a missed BN entry) stands out.
        ComputationGraph resnet64 = resnet.convertDataType(DataType.DOUBLE);
        INDArray images64 = images.castTo(DataType.DOUBLE);
        for (int bits : new int[] {0, 8}) {
            OcsModel<ComputationGraph> w = Ocs.of(resnet64).config(OcsConfig.builder().gridAware(false).expandRatio(0.05).gridAware(bits != 0).weightBits(bits != 0 ? bits : 8).build()).widen();
            IdentityCheck logits = IdentityCheck.run(resnet64, w.model(), images64);
            System.out.printf("ResNet50 float64 r=0.05 gridAwareBits=%d: logits %s%n", bits, logits);
            assertTrue(logits.passes(1e-10), logits.toString());
        }
    }

    private static void check(String what, ComputationGraph widened) {
        check(resnetLogits, widened, images, what);
    }

    /**
     * Float32: the model outputs (softmax probabilities) within {@code 1e-5 · max|y|}, and the logits — stricter,
     * since a saturated softmax can hide differences — within the exact-rewrite tolerance {@code 1e-4 · max|logit|}.
     */
    private static void check(INDArray[] originalLogits, ComputationGraph widened, INDArray x, String what) {
        INDArray[] widenedLogits = IdentityCheck.logits(widened, x);
        IdentityCheck logits = IdentityCheck.compare(originalLogits, widenedLogits);
        // Both zoo models end in a softmax output layer: their outputs are the softmax of the logits.
        IdentityCheck outputs = IdentityCheck.compare(softmax(originalLogits), softmax(widenedLogits));
        System.out.printf("%s: outputs %s, logits %s%n", what, outputs, logits);
        assertTrue(outputs.passes(1e-5), what + " outputs: " + outputs);
        assertTrue(logits.passes(1e-4), what + " logits: " + logits);
    }
}
