package org.ocs4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocs4j.io.ModelFiles;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line end to end on the zoo LeNet (a MultiLayerNetwork, fast), including its errors. */
class CliTest {

    @TempDir
    static Path dir;
    static Path lenet;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {  // also used by QuantizeCliTest
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @BeforeAll
    static void writeZooModel() {
        lenet = dir.resolve("lenet.zip");
        Run r = run("zoo", "lenet", "--out", lenet.toString(), "--seed", "7");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(lenet));
    }

    @Test
    void widenWritesAModelAndAReportWithTotalsAndIdentity() throws Exception {
        Path out = dir.resolve("lenet-ocs.zip");
        Path report = dir.resolve("lenet-ocs.json");
        Run r = run("widen", lenet.toString(), "--expand-ratio", "0.05", "--out", out.toString(), "--report",
                report.toString());
        assertEquals(0, r.code(), r.err());
        System.out.print(r.out());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        JsonNode totals = json.get("totals");
        assertTrue(totals.get("extraWeights").asLong() > 0);
        assertTrue(totals.get("extraMacs").asLong() > 0, "the stored input shape gives MAC counts");
        assertTrue(totals.get("maxAbsDiff").asDouble() <= 1e-4 * totals.get("maxAbsOutput").asDouble());
        assertTrue(totals.get("maxAbsOutput").asDouble() > 0);
        assertEquals(ModelFiles.sha256(lenet), json.get("provenance").get("modelSha256").asText());
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(out.toFile());
        assertTrue(restored.numParams() > ModelSerializer.restoreMultiLayerNetwork(lenet.toFile()).numParams());
        assertEquals("1,28,28", ModelFiles.inputShape(out).orElseThrow().toString());
    }

    @Test
    void outputEqualToTheInputIsRefusedAndTheInputIsUntouched() throws Exception {
        String before = ModelFiles.sha256(lenet);
        Run r = run("widen", lenet.toString(), "--expand-ratio", "0.05", "--out", lenet.toString(), "--report",
                dir.resolve("x.json").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("never overwrites its input"), r.err());
        assertEquals(before, ModelFiles.sha256(lenet));
        assertFalse(Files.exists(dir.resolve("x.json")));
    }

    @Test
    void missingAndCorruptModelFilesAreNamed() throws Exception {
        Path missing = dir.resolve("nope.zip");
        Run r = run("widen", missing.toString(), "--expand-ratio", "0.05", "--out", dir.resolve("a.zip").toString(),
                "--report", dir.resolve("a.json").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(missing.toString()) && r.err().contains("does not exist"), r.err());

        Path corrupt = dir.resolve("corrupt.zip");
        byte[] bytes = Files.readAllBytes(lenet);
        Files.write(corrupt, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        r = run("widen", corrupt.toString(), "--expand-ratio", "0.05", "--out", dir.resolve("b.zip").toString(),
                "--report", dir.resolve("b.json").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(corrupt.toString()), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one-line reason: " + r.err());
        assertFalse(Files.exists(dir.resolve("b.zip")) || Files.exists(dir.resolve("b.json")));
    }

    @Test
    void badValuesGiveAOneLineReasonAndWriteNothing() {
        Run r = run("widen", lenet.toString(), "--expand-ratio", "1.5", "--out", dir.resolve("c.zip").toString(),
                "--report", dir.resolve("c.json").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("expand ratio 1.5 is outside [0, 1]"), r.err());
        assertFalse(Files.exists(dir.resolve("c.zip")));

        r = run("widen", lenet.toString(), "--expand-ratio", "0.1", "--include", "cnn1", "--out",
                dir.resolve("d.zip").toString(), "--report", dir.resolve("d.json").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("\"cnn1\"") && r.err().contains("cannot be duplicated"), r.err());

        r = run("widen", lenet.toString(), "--expand-ratio", "0.1", "--exclude", "cnn9", "--out",
                dir.resolve("d.zip").toString(), "--report", dir.resolve("d.json").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("\"cnn9\"") && r.err().contains("cnn2"), r.err());
        assertFalse(Files.exists(dir.resolve("d.zip")));

        r = run("zoo", "alexnet", "--out", dir.resolve("e.zip").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("alexnet"), r.err());

        r = run("widen", lenet.toString());
        assertEquals(2, r.code(), "picocli usage error");
    }
}
