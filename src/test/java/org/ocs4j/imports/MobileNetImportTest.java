package org.ocs4j.imports;

import org.ocs4j.pipeline.OcsConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.samediff.frameworkimport.tensorflow.importer.TensorflowFrameworkImporter;
import org.ocs4j.Ocs;
import org.ocs4j.OcsModel;
import org.ocs4j.data.ImageNetValidation;
import org.ocs4j.data.ImagePreprocessing;
import org.ocs4j.data.LabelledImages;
import org.ocs4j.data.Normalization;
import org.ocs4j.eval.ClassificationResult;
import org.ocs4j.eval.ClassifierEvaluator;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.progress.Progress;
import org.ocs4j.rewrite.IdentityCheck;
import org.ocs4j.rewrite.Realization;
import org.ocs4j.testing.SharedData;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TF-slim MobileNet v1 0.25 frozen graph rebuilt from DL4J layers, checked against the same graph executed by
 * ND4J's SameDiff TensorFlow import on 20 real ImageNet validation images, then widened by OCS.
 */
@org.junit.jupiter.api.Tag("data")
class MobileNetImportTest {

    private static Path pb;
    private static ComputationGraph net;
    private static DataSet twenty;

    @BeforeAll
    static void load() {
        pb = SharedData.require("models/mobilenet_v1_0.25_224/frozen_graph.pb");
        net = TfMobileNetV1.importFrozenGraph(pb);
        LabelledImages images = ImageNetValidation.flat(SharedData.require("imagenet/val-1300"),
                SharedData.require("imagenet/val.txt")).first(20);
        twenty = (DataSet) images.iterator(ImagePreprocessing.resize(224, 224, Normalization.TF), 20).next();
    }

    @Test
    void dl4jGraphMatchesSameDiffOnTwentyRealImages() {
        SameDiff sd = new TensorflowFrameworkImporter().runImport(pb.toString(), Collections.emptyMap(), false);
        String out = "MobilenetV1/Predictions/Reshape_1";
        INDArray nhwc = twenty.getFeatures().permute(0, 2, 3, 1);
        INDArray[] rows = new INDArray[20];
        for (int i = 0; i < 20; i++) { // the graph's placeholder has batch 1
            rows[i] = sd.output(Map.of("input", nhwc.get(NDArrayIndex.interval(i, i + 1)).dup('c')), out).get(out)
                    .reshape(1, -1);
        }
        INDArray reference = Nd4j.concat(0, rows);
        INDArray dl4j = net.outputSingle(false, twenty.getFeatures());
        assertArrayEquals(new long[]{20, 1001}, dl4j.shape());
        double diff = Transforms.abs(dl4j.sub(reference)).maxNumber().doubleValue();
        System.out.printf("MobileNet v1 0.25: DL4J vs SameDiff on 20 images, max |Δp| = %.3g%n", diff);
        assertTrue(diff <= 1e-4, "max |Δ softmax| " + diff + " > 1e-4");
        assertEquals(reference.argMax(1), dl4j.argMax(1));
        // Background is output 0: ImageNet class i is output i + 1.
        ClassificationResult r = ClassifierEvaluator.evaluate(net,
                new org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator<>(twenty.asList(), 20), 1, 20,
                Progress.NONE);
        long agree = 0;
        for (int i = 0; i < 20; i++) {
            agree += reference.getRow(i).argMax().getInt(0) == twenty.getLabels().getRow(i).argMax().getInt(0) + 1 ? 1 : 0;
        }
        assertEquals(agree, r.top1Correct(), "top-1 counts the TF graph's correct answers");
        System.out.println("MobileNet v1 0.25 on the first 20 validation images: " + r);
    }

    @Test
    void importReadsWidthAndResolutionFromTheGraph() {
        assertArrayEquals(new int[]{224, 224}, TfMobileNetV1.inputSize(pb));
        assertEquals(8, net.getLayer("Conv2d_0").getParam("W").size(0), "width 0.25 × 32 filters");
        assertEquals(1001, net.getLayer(TfMobileNetV1.OUTPUT).getParam("W").size(1));
        assertTrue(ModelLoader.load(pb) instanceof ComputationGraph, "ModelFiles.load recognizes a .pb");
    }

    @Test
    void widenedMobileNetKeepsItsOutputsOnRealImages() {
        OcsModel<ComputationGraph> r = Ocs.of(net).config(OcsConfig.builder().gridAware(false).expandRatio(0.05).build()).inputShape(3, 224, 224).widen();
        assertTrue(r.report().widening().layers().stream().anyMatch(l -> l.realization() == Realization.WIDENED_PRODUCER),
                r.report().widening().toString());
        INDArray x = twenty.getFeatures().get(NDArrayIndex.interval(0, 4));
        IdentityCheck check = IdentityCheck.run(net, r.model(), x);
        System.out.printf("MobileNet v1 0.25 widened (r = 0.05, %d layers): max |Δ logit| %.3g of max %.3g%n",
                r.report().widening().layers().size(), check.maxAbsDiff(), check.maxAbsOutput());
        assertTrue(check.passes(1e-5), check.toString());
    }

    @Test
    void notAMobileNetIsRefusedByName(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path junk = tmp.resolve("x.pb");
        java.nio.file.Files.write(junk, new byte[]{1, 2, 3, 4, 5});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TfMobileNetV1.importFrozenGraph(junk));
        assertTrue(e.getMessage().contains("x.pb"), e.getMessage());
    }
}
