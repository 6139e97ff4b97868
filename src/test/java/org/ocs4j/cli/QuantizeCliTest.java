package org.ocs4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code quantize} and {@code tensor} end to end, with their errors. */
class QuantizeCliTest {

    @TempDir
    static Path dir;
    static Path lenet;
    static Path calibration;

    @BeforeAll
    static void setUp() throws Exception {
        lenet = dir.resolve("lenet.zip");
        assertEquals(0, CliTest.run("zoo", "lenet", "--out", lenet.toString()).code());
        Nd4j.getRandom().setSeed(3);
        calibration = dir.resolve("calibration.npy");
        Nd4j.writeAsNumpy(Nd4j.rand(DataType.FLOAT, 64, 1, 28, 28), calibration.toFile());
    }

    @Test
    void quantizeWritesASimulatedModelAndAWorstFirstReport() throws Exception {
        Path out = dir.resolve("q.zip");
        Path report = dir.resolve("q.json");
        CliTest.Run r = CliTest.run("quantize", lenet.toString(), "--weight-bits", "6", "--activation-bits", "8",
                "--clip", "mse", "--expand-ratio", "0.05", "--calibration", calibration.toString(), "--out",
                out.toString(), "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        System.out.print(r.out());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        JsonNode layers = json.get("layersWorstFirst");
        assertEquals(4, layers.size(), "cnn1, cnn2, ffn1, output");
        for (int i = 1; i < layers.size(); i++) {
            assertTrue(layers.get(i - 1).get("weightSqnrDb").asDouble() <= layers.get(i).get("weightSqnrDb").asDouble());
        }
        assertTrue(json.get("ocs").get("extraWeights").asLong() > 0);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(out.toFile());
        assertEquals(6 + 4, restored.getnLayers(), "LeNet's 6 layers and one fake-quant layer before each of the 4 quantized");
    }

    @Test
    void mixedPrecisionGivesEachLayerItsWidthWithinTheAverageAndNeedsCalibrationInputs() throws Exception {
        Path out = dir.resolve("mixed.zip");
        Path report = dir.resolve("mixed.json");
        CliTest.Run r = CliTest.run("quantize", lenet.toString(), "--weight-bits", "4", "--activation-bits", "8",
                "--mixed-precision", "--expand-ratio", "0.05", "--calibration", calibration.toString(), "--out",
                out.toString(), "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        System.out.println(json.get("preparation"));
        assertTrue(json.get("preparation").toString().contains("mixed precision: "), json.toString());
        MultiLayerNetwork original = ModelSerializer.restoreMultiLayerNetwork(lenet.toFile());
        long weights = 0;
        long bits = 0;
        java.util.Set<Integer> widths = new java.util.HashSet<>();
        for (JsonNode l : json.get("layersWorstFirst")) {
            int b = l.get("weightBits").asInt();
            assertTrue(b >= 2 && b <= 8, l.toString());
            long n = original.getLayer(l.get("layer").asText()).getParam("W").length();
            weights += n;
            bits += n * b;
            widths.add(b);
        }
        System.out.printf("LeNet mixed precision: widths %s, %.3f bits per weight%n", widths, (double) bits / weights);
        assertTrue(bits <= 4 * weights, bits + " bits for " + weights + " weights");
        assertTrue(widths.size() > 1, "widths " + widths);
        CliTest.Run refused = CliTest.run("quantize", lenet.toString(), "--weight-bits", "4", "--activation-bits", "0",
                "--mixed-precision", "--out", dir.resolve("no.zip").toString(), "--report",
                dir.resolve("no.json").toString());
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("--mixed-precision needs calibration inputs"), refused.err());
        assertFalse(Files.exists(dir.resolve("no.zip")));
    }

    @Test
    void tensorPrintsEveryMethodAndWritesTheSplit() throws Exception {
        Nd4j.getRandom().setSeed(5);
        INDArray w = Nd4j.randn(DataType.FLOAT, 16, 8, 3, 3);
        Path in = dir.resolve("w.npy");
        Nd4j.writeAsNumpy(w, in.toFile());
        Path out = dir.resolve("w-split.npy");
        CliTest.Run r = CliTest.run("tensor", in.toString(), "--bits", "5", "--axis", "1", "--expand-ratio", "0.25",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        for (String m : new String[] {"none", "max", "mse", "aciq", "kl", "percentile"}) {
            assertTrue(json.get("methods").get(m).get("alpha").asDouble() > 0, m);
            assertTrue(json.get("methods").get(m).get("sqnrDb").asDouble() > 10, m);
        }
        INDArray split = Nd4j.createFromNpyFile(out.toFile());
        assertEquals(10, split.size(1), "8 channels + ceil(0.25 · 8) = 2");
        assertEquals(2, json.get("splitChannels").size());
    }

    @Test
    void badTensorsAndSettingsAreNamed() throws Exception {
        Path ints = dir.resolve("ints.npy");
        Nd4j.writeAsNumpy(Nd4j.createFromArray(1, 2, 3), ints.toFile());
        CliTest.Run r = CliTest.run("tensor", ints.toString(), "--bits", "8");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("<i4") && r.err().contains("float32"), r.err());

        Path vec = dir.resolve("vec.npy");
        Nd4j.writeAsNumpy(Nd4j.createFromArray(1f, -2f, 3f), vec.toFile());
        r = CliTest.run("tensor", vec.toString(), "--bits", "8", "--axis", "2", "--expand-ratio", "0.5");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("axis 2"), r.err());

        r = CliTest.run("tensor", vec.toString(), "--bits", "17");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bit width 17"), r.err());

        r = CliTest.run("quantize", lenet.toString(), "--weight-bits", "8", "--activation-bits", "8", "--out",
                dir.resolve("x.zip").toString(), "--report", dir.resolve("x.json").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--calibration"), r.err());
        assertFalse(Files.exists(dir.resolve("x.zip")));

        r = CliTest.run("quantize", lenet.toString(), "--weight-bits", "8", "--clip", "fancy", "--out",
                dir.resolve("y.zip").toString(), "--report", dir.resolve("y.json").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("fancy"), r.err());
    }
}
