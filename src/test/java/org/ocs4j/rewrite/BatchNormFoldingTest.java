package org.ocs4j.rewrite;

import org.ocs4j.imports.ModelLoader;
import org.ocs4j.testing.Quantize;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ocs4j.data.ImageNetValidation;
import org.ocs4j.data.ImagePreprocessing;
import org.ocs4j.data.Normalization;
import org.ocs4j.imports.TfMobileNetV1;
import org.ocs4j.testing.SharedData;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batch-norm folding keeps inference outputs on real networks and real inputs. */
@org.junit.jupiter.api.Tag("data")
class BatchNormFoldingTest {

    @Test
    void mobileNetFoldsAllTwentySevenBatchNormsAndKeepsItsOutputs() {
        ComputationGraph net = TfMobileNetV1.importFrozenGraph(
                SharedData.require("models/mobilenet_v1_0.25_224/frozen_graph.pb"));
        DataSet batch = (DataSet) ImageNetValidation.flat(SharedData.require("imagenet/val-1300"),
                SharedData.require("imagenet/val.txt")).first(8)
                .iterator(ImagePreprocessing.resize(224, 224, Normalization.TF), 8).next();
        BatchNormFolding.Folded<ComputationGraph> f = BatchNormFolding.fold(net);
        assertEquals(27, f.folded().size(), f.folded().toString());
        IdentityCheck check = IdentityCheck.run(net, f.model(), batch.getFeatures());
        System.out.printf("MobileNet with 27 batch norms folded: max |Δ logit| %.3g of %.3g%n", check.maxAbsDiff(),
                check.maxAbsOutput());
        assertTrue(check.passes(1e-5), check.toString());
        assertEquals(net.outputSingle(false, batch.getFeatures()).argMax(1),
                f.model().outputSingle(false, batch.getFeatures()).argMax(1));
    }

    @Test
    void fashionMlnFoldsBothBatchNormsAndShiftsItsFlatten() {
        SharedData.fashionMnist();
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net =
                (org.deeplearning4j.nn.multilayer.MultiLayerNetwork) ModelLoader.load(Path.of("models/fashion-mnist-mln.zip"));
        INDArray x = org.ocs4j.data.FashionMnist.test(org.ocs4j.data.FashionMnist.DEBIAN_DIR).getFeatures()
                .get(NDArrayIndex.interval(0, 64));
        BatchNormFolding.Folded<org.deeplearning4j.nn.multilayer.MultiLayerNetwork> f = BatchNormFolding.fold(net);
        assertEquals(java.util.Map.of("1", "0", "5", "4"), f.folded());
        assertEquals(net.getnLayers() - 2, f.model().getnLayers());
        IdentityCheck check = IdentityCheck.run(net, f.model(), x);
        System.out.printf("fashion-mnist-mln with 2 batch norms folded: max |Δ logit| %.3g of %.3g%n",
                check.maxAbsDiff(), check.maxAbsOutput());
        assertTrue(check.passes(1e-5), check.toString());
        assertEquals(10, net.getnLayers(), "the input model is untouched");
    }

    @Test
    void foldingAfterFakeQuantizationKeepsTheSimulatedOutputs() {
        SharedData.fashionMnist();
        ComputationGraph net = (ComputationGraph) ModelLoader.load(Path.of("models/fashion-mnist-resnet.zip"));
        org.nd4j.linalg.dataset.DataSet test = org.ocs4j.data.FashionMnist.test(org.ocs4j.data.FashionMnist.DEBIAN_DIR);
        var calibration = new org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator<>(
                ((org.nd4j.linalg.dataset.DataSet) test.getRange(0, 256)).batchBy(64), 1);
        ComputationGraph simulated = (ComputationGraph) org.ocs4j.testing.Quantize.run(net,
                org.ocs4j.testing.Quantize.bits(6, 8), calibration).model();
        BatchNormFolding.Folded<ComputationGraph> f = BatchNormFolding.fold(simulated);
        assertEquals(6, f.folded().size(), "fake-quant layers sit before the convs, so every conv → BN pair folds");
        INDArray x = ((org.nd4j.linalg.dataset.DataSet) test.getRange(256, 512)).getFeatures();
        // Folding is exact in real arithmetic, but its float rounding (~1e-6) can move a value across a rounding
        // boundary of the next activation quantizer, which then differs by one grid step: not bit-exact, so the claim
        // is about predictions and the typical logit, with the worst case printed.
        INDArray a = IdentityCheck.logits(simulated, x)[0];
        INDArray b = IdentityCheck.logits(f.model(), x)[0];
        double mean = org.nd4j.linalg.ops.transforms.Transforms.abs(a.sub(b)).meanNumber().doubleValue();
        double max = org.nd4j.linalg.ops.transforms.Transforms.abs(a.sub(b)).maxNumber().doubleValue();
        long same = a.argMax(1).eq(b.argMax(1)).castTo(org.nd4j.linalg.api.buffer.DataType.INT32).sumNumber().longValue();
        System.out.printf("W6A8 fashion-mnist-resnet, batch norms folded after fake-quant: mean |Δ logit| %.3g,"
                + " max %.3g of %.3g; same prediction on %d/256 images%n", mean, max, a.amaxNumber().doubleValue(), same);
        assertTrue(mean <= 1e-3 * a.amaxNumber().doubleValue(), "mean |Δ logit| " + mean);
        assertTrue(same >= 254, same + "/256 predictions agree");
    }

    @Test
    void fashionResNetFoldsBatchNormsIncludingThoseFeedingResidualAdds() {
        SharedData.fashionMnist();
        ComputationGraph net = (ComputationGraph) ModelLoader.load(Path.of("models/fashion-mnist-resnet.zip"));
        INDArray x = org.ocs4j.data.FashionMnist.test(org.ocs4j.data.FashionMnist.DEBIAN_DIR).getFeatures()
                .get(NDArrayIndex.interval(0, 64));
        BatchNormFolding.Folded<ComputationGraph> f = BatchNormFolding.fold(net);
        assertEquals(6, f.folded().size(), f.folded().toString());
        IdentityCheck check = IdentityCheck.run(net, f.model(), x);
        System.out.printf("fashion-mnist-resnet with 6 batch norms folded: max |Δ logit| %.3g of %.3g%n",
                check.maxAbsDiff(), check.maxAbsOutput());
        assertTrue(check.passes(1e-5), check.toString());
        assertTrue(net.getConfiguration().getVertices().containsKey("stem-bn"), "the input model is untouched");
    }
}
