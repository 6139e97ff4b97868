package org.ocs4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocs4j.testing.SharedData;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ocs4j sweep}, {@code demo} and {@code inspect} end to end on the committed Fashion-MNIST model. */
@org.junit.jupiter.api.Tag("data")
class SweepCliTest {

    @TempDir
    Path dir;

    private static final String MODEL = "models/fashion-mnist-mln.zip";

    @Test
    void sweepWritesTheReportAndAResumedRunRecomputesNothing() throws Exception {
        SharedData.fashionMnist();
        Path out = dir.resolve("sweep");
        String[] args = {"sweep", MODEL, "--data", "fashion-mnist", "--limit", "300", "--weight-bits", "8,4",
                "--methods", "none,mse,ocs:0.05,ocs+best", "--out", out.toString()};
        CliTest.Run first = CliTest.run(args);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("| bits | no clip | MSE | OCS 0.05 | OCS + best clip |"), first.out());
        for (String f : List.of("report.md", "results.csv", "results.json", "metric-vs-bits.png", "layer-sqnr.png",
                "worst-layer-histogram.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertNotNull(ImageIO.read(out.resolve("metric-vs-bits.png").toFile()));
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals(8, json.get("cells").size());
        assertEquals(300, json.get("fp32").get("examples").asLong());
        assertTrue(json.get("provenance").get("command").asText().contains("--methods none,mse,ocs:0.05,ocs+best"));

        CliTest.Run again = CliTest.run(args);
        assertEquals(0, again.code(), again.err());
        JsonNode json2 = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals(9, json2.get("reusedCells").asInt(), "FP32 and all 8 cells read back");
        assertEquals(json.get("cells").toString().replaceAll("\"seconds\":[0-9.eE-]+", ""),
                json2.get("cells").toString().replaceAll("\"seconds\":[0-9.eE-]+", ""));
    }

    @Test
    void weightOnlySweepsCalibrateForTheColumnsThatNeedIt() throws Exception {
        SharedData.fashionMnist();
        Path out = dir.resolve("bc");
        CliTest.Run r = CliTest.run("sweep", MODEL, "--data", "fashion-mnist", "--limit", "200", "--weight-bits", "4",
                "--activation-bits", "0", "--methods", "none,bc,ocs-budget:0.05", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| W4A32 |"), r.out());
        assertTrue(Files.readString(out.resolve("report.md")).contains("calibrated on 4 batches of Fashion-MNIST train"),
                Files.readString(out.resolve("report.md")));
    }

    @Test
    void badArgumentsEndWithOneLineAndNothingWritten() {
        Path out = dir.resolve("bad");
        CliTest.Run bogus = CliTest.run("sweep", MODEL, "--data", "fashion-mnist", "--methods", "none,bogus",
                "--out", out.toString());
        assertEquals(1, bogus.code());
        assertTrue(bogus.err().contains("\"bogus\""), bogus.err());
        assertEquals(1, bogus.err().strip().lines().count(), bogus.err());
        CliTest.Run bits = CliTest.run("sweep", MODEL, "--data", "fashion-mnist", "--weight-bits", "8,1",
                "--out", out.toString());
        assertEquals(1, bits.code());
        assertTrue(bits.err().contains("1"), bits.err());
        CliTest.Run overInput = CliTest.run("sweep", MODEL, "--data", "fashion-mnist", "--out", MODEL);
        assertEquals(1, overInput.code());
        assertTrue(overInput.err().contains("never overwrites its input"), overInput.err());
        assertTrue(Files.notExists(out), "nothing written");
    }

    @Test
    void demoWritesATableAndPlotsAndPrintsWhere() throws Exception {
        SharedData.fashionMnist();
        Path out = dir.resolve("demo");
        CliTest.Run r = CliTest.run("demo", "--model", MODEL, "--limit", "200", "--out-dir", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("report: " + out.resolve("report.md").toAbsolutePath()), r.out());
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("| W4A8 |") && md.contains("| FP32 |"), md);
        long pngs;
        try (var files = Files.list(out)) {
            pngs = files.filter(p -> p.toString().endsWith(".png")).count();
        }
        assertTrue(pngs >= 2, "at least two plots: " + pngs);
    }

    @Test
    void inspectListsClipValuesAndTheChannelsThatWouldSplit() throws Exception {
        Path json = dir.resolve("inspect.json");
        CliTest.Run r = CliTest.run("inspect", MODEL, "--bits", "4", "--expand-ratio", "0.05", "--json",
                json.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode layers = new ObjectMapper().readTree(json.toFile()).get("layers");
        assertTrue(layers.size() >= 3, r.out());
        boolean anySplit = false;
        for (JsonNode l : layers) {
            JsonNode m = l.get("methods");
            assertEquals(l.get("maxAbs").asDouble(), m.get("none").get("alpha").asDouble(), 1e-6);
            assertTrue(m.get("mse").get("alpha").asDouble() <= l.get("maxAbs").asDouble());
            assertTrue(m.get("mse").get("sqnrDb").asDouble() >= m.get("none").get("sqnrDb").asDouble() - 1e-6,
                    "MSE minimizes the error it is scored on");
            if (l.has("splitChannels")) {
                anySplit = true;
                assertTrue(l.get("maxAbsAfterSplit").asDouble() < l.get("maxAbs").asDouble());
            }
        }
        assertTrue(anySplit, r.out());
        System.out.print(r.out());
    }
}
