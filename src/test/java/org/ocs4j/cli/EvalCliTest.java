package org.ocs4j.cli;

import org.ocs4j.imports.ModelLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocs4j.data.FashionMnist;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.testing.SharedData;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ocs4j eval} end to end: Fashion-MNIST on the committed model, CIFAR-10 JPEGs on the Keras import, errors. */
@org.junit.jupiter.api.Tag("data")
class EvalCliTest {

    @TempDir
    Path dir;

    @Test
    void fashionMnistAccuracyMatchesTheLibraryAndTheReportHasProvenance() throws Exception {
        SharedData.fashionMnist();
        Path model = Path.of("models/fashion-mnist-mln.zip");
        Path report = dir.resolve("eval.json");
        CliTest.Run r = CliTest.run("eval", model.toString(), "--data", "fashion-mnist", "--limit", "2000",
                "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        System.out.print(r.out());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals(2000, json.get("examples").asLong());
        org.nd4j.linalg.dataset.DataSet test = FashionMnist.test(FashionMnist.DEBIAN_DIR);
        double expected = org.ocs4j.eval.ClassifierEvaluator.accuracy((MultiLayerNetwork) ModelLoader.load(model),
                (org.nd4j.linalg.dataset.DataSet) test.getRange(0, 2000));
        assertEquals(expected, json.get("top1").asDouble(), 1e-9, "CLI and library agree");
        assertEquals(Math.round(expected * 2000), json.get("top1Correct").asLong());
        assertTrue(json.get("top5").asDouble() >= json.get("top1").asDouble());
        assertEquals(ModelFiles.sha256(model), json.get("provenance").get("modelSha256").asText());
    }

    @Test
    void kerasModelOnCifarFoldersNeedsItsNormalizationAndSize() {
        Path h5 = SharedData.require("models/cifar10_resnet20/cifar10_ResNet20v1_model.h5");
        Path cifar = SharedData.require("cifar10/test");
        CliTest.Run missing = CliTest.run("eval", h5.toString(), "--data", cifar.toString(), "--size", "32");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("--normalization is required"), missing.err());
        CliTest.Run r = CliTest.run("eval", h5.toString(), "--data", cifar.toString(), "--size", "32,32",
                "--normalization", "unit", "--limit", "200");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("NHWC") && r.out().contains("/200)"), r.out());
    }

    @Test
    void quantizeCalibratesOnImagesAndTheSimulatedModelEvaluates() throws Exception {
        SharedData.fashionMnist();
        Path out = dir.resolve("w8a8.zip");
        Path report = dir.resolve("w8a8.json");
        CliTest.Run r = CliTest.run("quantize", "models/fashion-mnist-mln.zip", "--weight-bits", "8",
                "--activation-bits", "8", "--data", "fashion-mnist", "--calibration-batches", "2", "--out",
                out.toString(), "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode cal = new ObjectMapper().readTree(report.toFile()).get("calibration");
        assertTrue(cal.get("data").asText().contains("Fashion-MNIST"), cal.toString());
        CliTest.Run e = CliTest.run("eval", out.toString(), "--data", "fashion-mnist", "--limit", "1000");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("/1000)"), e.out());
        Path aocs = dir.resolve("aocs.zip");
        Path aocsReport = dir.resolve("aocs.json");
        CliTest.Run a = CliTest.run("quantize", "models/fashion-mnist-mln.zip", "--weight-bits", "8",
                "--activation-bits", "6", "--clip", "mse", "--activation-expand-ratio", "0.05", "--data",
                "fashion-mnist", "--calibration-batches", "2", "--out", aocs.toString(), "--report",
                aocsReport.toString());
        assertEquals(0, a.code(), a.err());
        JsonNode split = new ObjectMapper().readTree(aocsReport.toFile()).get("activationOcs");
        assertTrue(split.get("splitLayers").asInt() > 0, split.toString());
        CliTest.Run both = CliTest.run("quantize", "models/fashion-mnist-mln.zip", "--weight-bits", "8",
                "--data", "fashion-mnist", "--calibration", "x.npy", "--out", dir.resolve("y.zip").toString(),
                "--report", dir.resolve("y.json").toString());
        assertEquals(1, both.code());
        assertTrue(both.err().contains("give calibration inputs once"), both.err());
    }

    @Test
    void badInputGivesOneLineReasonsAndWritesNothing() {
        Path report = dir.resolve("r.json");
        CliTest.Run r = CliTest.run("eval", dir.resolve("none.zip").toString(), "--data", "fashion-mnist",
                "--report", report.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("does not exist"), r.err());
        r = CliTest.run("eval", "models/fashion-mnist-mln.zip", "--data", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not a known image layout"), r.err());
        assertFalse(Files.exists(report));
    }
}
