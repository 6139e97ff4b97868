package org.ocs4j.pipeline;

import org.ocs4j.testing.Quantize;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.TestNets;
import org.ocs4j.graph.InputShape;
import org.ocs4j.rewrite.IdentityCheck;
import org.ocs4j.quant.CalibrationCache;
import org.ocs4j.quant.ClipMethod;
import org.ocs4j.quant.QuantizedLayer;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quantization pipeline (whole-model fixed-point simulation) on small seeded networks. Errors are measured on the logits against the FP32
 * model over held-out random inputs; the structural claims (layers inserted, model untouched, save/restore) are
 * exact.
 */
public class QuantizationPipelineTest {

    /** @return {@code batches} seeded batches of 8 standard-normal inputs of {@code shape} */
    public static ListDataSetIterator<DataSet> calibration(InputShape shape, int batches, long seed) {
        Nd4j.getRandom().setSeed(seed);
        List<DataSet> list = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            list.add(new DataSet(Nd4j.randn(DataType.FLOAT, shape.withBatch(8)), Nd4j.zeros(DataType.FLOAT, 8, 1)));
        }
        return new ListDataSetIterator<>(list, 1);
    }

    /**
     * Relative logit error on the first calibration batch: inputs the static activation clip values have seen, so
     * the error is quantization error, not clipping of activations larger than any seen in calibration.
     */
    static double relativeLogitError(Model original, Model quantized, InputShape shape) {
        INDArray x = calibration(shape, 1, 1).next().getFeatures();
        return IdentityCheck.run(original, quantized, x).relativeDiff();
    }

    @Test
    void errorShrinksWithBitsAndSixteenBitsIsNearlyExact() {
        InputShape shape = InputShape.of(3, 12, 12);
        MultiLayerNetwork net = TestNets.mln(3);
        INDArray before = net.params().dup();
        double previous = Double.POSITIVE_INFINITY;
        for (int bits : new int[] {4, 8, 16}) {
            Quantize.Result q = Quantize.run(net, Quantize.bits(bits, bits),
                    calibration(shape, 4, 1));
            // The report's per-layer numbers are too long to print here; the SQNR check below covers them.
            double e = relativeLogitError(net, q.model(), shape);
            System.out.printf("MLN W%dA%d: relative logit error %.3g%n", bits, bits, e);
            assertTrue(e < previous, bits + " bits should beat fewer bits: " + e + " vs " + previous);
            previous = e;
        }
        assertTrue(previous < 1e-3, "16 bits: " + previous);
        assertArrayEquals(before.toFloatVector(), net.params().toFloatVector(), 0f, "input model untouched");
    }

    @Test
    void activationQuantizersAreInsertedAndUnsignedAfterRelu() {
        Quantize.Result q = Quantize.run(TestNets.residual(2), Quantize.bits(8, 8),
                calibration(InputShape.of(3, 10, 10), 3, 2));
        ComputationGraph cg = (ComputationGraph) q.model();
        long inserted = cg.getConfiguration().getVertices().keySet().stream().filter(k -> k.endsWith("-ocs-aq")).count();
        assertEquals(q.layers().size(), inserted, "one fake-quant layer per quantized layer");
        QuantizedLayer head = q.layers().stream().filter(l -> l.layer().equals("head")).findFirst().orElseThrow();
        assertTrue(!head.activationGrid().signed(), "the input of head follows a ReLU: unsigned grid");
        QuantizedLayer stem = q.layers().stream().filter(l -> l.layer().equals("stem")).findFirst().orElseThrow();
        assertTrue(stem.activationGrid().signed(), "the network input is signed");
        assertTrue(q.layers().stream().allMatch(l -> l.weightSqnrDb() > 20), q.layers().toString());
    }

    @Test
    void ocsWithGridAwareSplittingReducesTheWeightErrorAt5Bits() {
        InputShape shape = InputShape.of(3, 10, 10);
        ComputationGraph net = TestNets.residual(4);
        OcsConfig.Builder base = Quantize.bits(5, 0);
        double plain = relativeLogitError(net, Quantize.run(net, base, null).model(), shape);
        double ocs = relativeLogitError(net, Quantize.run(net, base.expandRatio(0.2).gridAware(true), null).model(), shape);
        System.out.printf("W5 residual: no OCS %.4g, OCS r=0.2 grid-aware %.4g%n", plain, ocs);
        assertTrue(ocs < plain, "OCS " + ocs + " vs none " + plain);
    }

    @Test
    void simulatedModelSavesAndRestores(@TempDir File dir) throws Exception {
        InputShape shape = InputShape.of(3, 12, 12);
        Quantize.Result q = Quantize.run(TestNets.mln(5),
                Quantize.bits(6, 8).weightClip(ClipMethod.MSE).activationClip(ClipMethod.KL),
                calibration(shape, 2, 5));
        File f = new File(dir, "q.zip");
        ModelSerializer.writeModel(q.model(), f, false);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(f);
        INDArray x = Nd4j.randn(DataType.FLOAT, shape.withBatch(4));
        assertEquals(((MultiLayerNetwork) q.model()).output(x), restored.output(x));
    }

    @Test
    void calibrationCacheIsReusedAndRefusedForAnotherModel(@TempDir File dir) throws Exception {
        InputShape shape = InputShape.of(3, 12, 12);
        java.nio.file.Path cache = dir.toPath().resolve("calibration.json");
        MultiLayerNetwork net = TestNets.mln(6);
        OcsConfig.Builder s = Quantize.bits(8, 8).activationClip(ClipMethod.KL);
        Quantize.Result first = Quantize.run(net, s, calibration(shape, 3, 6), cache);
        assertTrue(java.nio.file.Files.exists(cache));
        // Second run: no calibration data at all, the cache supplies the statistics; same clip values.
        Quantize.Result second = Quantize.run(net, s, null, cache);
        for (int i = 0; i < first.layers().size(); i++) {
            assertEquals(first.layers().get(i).activationAlpha(), second.layers().get(i).activationAlpha(), 0.0);
        }
        // Another model (other seed) is refused by name.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantize.run(TestNets.mln(7), s, null, cache));
        assertTrue(e.getMessage().contains("another model") && e.getMessage().contains("calibration.json"),
                e.getMessage());
    }

    @Test
    void nanActivationsAreNamed() {
        InputShape shape = InputShape.of(3, 12, 12);
        ListDataSetIterator<DataSet> data = calibration(shape, 2, 1);
        data.next().getFeatures().putScalar(0, Double.NaN);
        data.reset();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantize.run(TestNets.mln(1), Quantize.bits(8, 8), data));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void depthwiseEmbeddingAndLstmWeightsAreQuantizedToo() {
        Quantize.Result dw = Quantize.run(TestNets.depthwise(1), Quantize.bits(6, 0)
                .perChannel(true), null);
        assertTrue(dw.layers().stream().anyMatch(l -> l.layerType().equals("DepthwiseConvolution2D")
                && l.weightSqnrDb() > 20 && l.weightSqnrDb() < 60), dw.layers().toString());

        org.deeplearning4j.nn.conf.MultiLayerConfiguration conf = TestNets.base(2).list()
                .layer(new org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer.Builder().nIn(20).nOut(8).build())
                .layer(new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nIn(8).nOut(12)
                        .activation(org.nd4j.linalg.activations.Activation.TANH).build())
                .layer(new org.deeplearning4j.nn.conf.layers.RnnOutputLayer.Builder().nIn(12).nOut(20)
                        .dataFormat(org.deeplearning4j.nn.conf.RNNFormat.NCW)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork lm = new MultiLayerNetwork(conf);
        lm.init();
        INDArray tokens = Nd4j.createFromArray(new float[][] {{1, 5, 7, 3, 19, 0, 2}, {4, 4, 8, 9, 11, 12, 6}})
                .reshape(2, 1, 7);
        ListDataSetIterator<DataSet> data = new ListDataSetIterator<>(List.of(new DataSet(tokens,
                Nd4j.zeros(DataType.FLOAT, 2, 20, 7))), 1);
        Quantize.Result q = Quantize.run(lm, Quantize.bits(8, 8), data);
        List<String> types = q.layers().stream().map(QuantizedLayer::layerType).toList();
        assertEquals(List.of("EmbeddingSequenceLayer", "LSTM", "RnnOutputLayer"), types);
        assertTrue(q.layers().get(0).activationGrid() == null, "an embedding's input is token ids: not quantized");
        assertTrue(q.layers().get(1).activationGrid() != null);
        INDArray expected = lm.output(tokens);
        INDArray got = ((MultiLayerNetwork) q.model()).output(tokens);
        double relative = got.sub(expected).amaxNumber().doubleValue() / expected.amaxNumber().doubleValue();
        System.out.printf("LSTM LM W8A8: relative output error %.3g%n", relative);
        assertTrue(relative < 0.05 && relative > 0, "W8A8 LSTM LM close to FP32 but not identical: " + relative);
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Quantize.bits(1, 8).build());
        assertThrows(IllegalArgumentException.class, () -> Quantize.bits(8, 17).build());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Quantize.run(TestNets.mln(1), Quantize.bits(8, 8),
                        new ListDataSetIterator<>(new ArrayList<DataSet>(), 1)));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Quantize.run(TestNets.mln(1), Quantize.bits(8, 8), null));
        assertTrue(none.getMessage().contains("calibration"), none.getMessage());
    }

    @Test
    void theCalibrationFingerprintIgnoresTheConfigurationSeed() {
        // DL4J's default seed is the clock, so each Keras/TF import of the same file records another one.
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork a = org.ocs4j.TestNets.mln(1);
        var conf = a.getLayerWiseConfigurations().clone();
        conf.getConfs().forEach(c -> c.setSeed(987654321L));
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork b = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(conf);
        b.init(a.params().dup(), false);
        org.junit.jupiter.api.Assertions.assertNotEquals(a.getLayerWiseConfigurations().toJson(), conf.toJson());
        org.junit.jupiter.api.Assertions.assertEquals(CalibrationCache.fingerprint(a), CalibrationCache.fingerprint(b));
        b.params().putScalar(0, b.params().getDouble(0) + 1);
        org.junit.jupiter.api.Assertions.assertNotEquals(CalibrationCache.fingerprint(a), CalibrationCache.fingerprint(b),
                "a changed weight is another model");
    }

    @Test
    void aLanguageModelKeepsItsFingerprintAcrossSequenceLengths() {
        // DL4J's EmbeddingSequenceLayer (inferInputLength) writes the last sequence length into its configuration.
        var lm = org.ocs4j.train.ReferenceModels.lstmLanguageModel(20, 4, 6, 1);
        lm.output(org.ocs4j.TestNets.tokenWindows(2, 7, 20, 1));
        String before = CalibrationCache.fingerprint(lm);
        String json = lm.getLayerWiseConfigurations().toJson();
        lm.output(org.ocs4j.TestNets.tokenWindows(2, 11, 20, 2));
        org.junit.jupiter.api.Assertions.assertNotEquals(json, lm.getLayerWiseConfigurations().toJson(),
                "DL4J did rewrite the configuration");
        org.junit.jupiter.api.Assertions.assertEquals(before, CalibrationCache.fingerprint(lm));
    }
}
