package org.ocs4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocs4j.data.WordCorpus;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.train.ReferenceModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ocs4j sweep --corpus}: the language-model sweep end to end on a PTB-format folder and a small (untrained)
 * LSTM LM: perplexity of every cell, lower is better (also when choosing OCS + best clip), W8A8 close to FP32.
 */
class LanguageModelSweepCliTest {

    @TempDir
    Path dir;

    private Path corpus() throws Exception {
        Path c = Files.createDirectories(dir.resolve("ptb"));
        Random r = new Random(4);
        for (String split : new String[]{"train", "valid", "test"}) {
            StringBuilder sb = new StringBuilder();
            for (int line = 0; line < (split.equals("train") ? 300 : 40); line++) {
                for (int w = 0; w < 8; w++) sb.append(" w").append(r.nextInt(15));
                sb.append('\n');
            }
            Files.writeString(c.resolve("ptb." + split + ".txt"), sb.toString());
        }
        return c;
    }

    @Test
    void perplexitySweepOfAnLstmLanguageModel() throws Exception {
        Path corpus = corpus();
        WordCorpus words = WordCorpus.detect(corpus);
        MultiLayerNetwork lm = ReferenceModels.lstmLanguageModel(words.vocabularySize(), 8, 16, 3);
        lm.params().muli(2);
        Path model = dir.resolve("lm.zip");
        ModelFiles.save(lm, model, null);
        Path out = dir.resolve("sweep");
        CliTest.Run r = CliTest.run("sweep", model.toString(), "--corpus", corpus.toString(), "--weight-bits", "8,3",
                "--methods", "none,mse,ocs:0.1,ocs+best", "--batch", "4", "--window", "10", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        System.out.print(r.out());
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals("perplexity", json.get("metric").asText());
        assertEquals(40 * 9, json.get("fp32").get("examples").asLong(), "every test token, <eos> included");
        double fp32 = json.get("fp32").get("value").asDouble();
        double w8 = 0;
        double w3None = 0;
        double w3Mse = 0;
        for (JsonNode c : json.get("cells")) {
            if (c.get("row").asText().equals("W8A8") && c.get("column").asText().equals("none")) w8 = c.get("value").asDouble();
            if (c.get("row").asText().equals("W3A8") && c.get("column").asText().equals("none")) w3None = c.get("value").asDouble();
            if (c.get("row").asText().equals("W3A8") && c.get("column").asText().equals("mse")) w3Mse = c.get("value").asDouble();
            if (c.get("column").asText().equals("ocs:0.1")) {
                assertTrue(c.get("splitLayers").asInt() >= 2, "the LSTMs' (and output layer's) inputs are split");
            }
        }
        assertTrue(Math.abs(w8 - fp32) / fp32 < 0.02, "W8A8 perplexity " + w8 + " within 2 % of FP32 " + fp32);
        assertTrue(w3None > fp32, "3-bit weights hurt: " + w3None + " vs " + fp32);
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("(lower is better)"));
        // 360 tokens in windows of 10 (batch 4 does not matter: one stream): 36 windows stored per cell, and the
        // table gives each perplexity its bootstrap interval
        assertEquals(36, json.get("fp32").get("windows").get("nll").size());
        assertTrue(report.contains("bootstrap interval") && report.matches("(?s).*\\| FP32 \\| [0-9.]+ ±[0-9.]+ \\|.*"),
                report);
        assertTrue(w3Mse > 0);
    }

    /**
     * The WikiText-2 path in small: {@code train wikitext-2-lstm} on a few thousand tokens in WikiText-2's file layout
     * (tied 128-wide embeddings, stored in 16 bits), then a perplexity sweep of the file with OCS — whose pipeline
     * checks every split exact in double, the embedding and the softmax split as the separate layers they are.
     */
    @Test
    void aTiedWikiText2ModelTrainsSavesIn16BitsAndSweeps() throws Exception {
        Path corpus = Files.createDirectories(dir.resolve("wikitext-2"));
        Random r = new Random(8);
        for (String split : new String[]{"train", "valid", "test"}) {
            StringBuilder sb = new StringBuilder(" \n = Title = \n \n");
            for (int line = 0; line < (split.equals("train") ? 200 : 20); line++) {
                for (int w = 0; w < 10; w++) sb.append(" w").append(r.nextInt(20));
                sb.append(" . \n");
            }
            Files.writeString(corpus.resolve("wiki." + split + ".tokens"), sb.toString());
        }
        Path model = dir.resolve("wt2.zip");
        CliTest.Run train = CliTest.run("train", "wikitext-2-lstm", "--data", corpus.toString(), "--epochs", "1",
                "--out", model.toString());
        assertEquals(0, train.code(), train.err());
        System.out.print(train.out());
        assertTrue(train.out().contains("epoch 1/1") && train.out().contains("valid (float32 weights as trained)")
                && train.out().contains("test  (the saved file: 16-bit weights, loaded in float32)"), train.out());
        MultiLayerNetwork lm = (MultiLayerNetwork) org.ocs4j.imports.ModelLoader.load(model);
        assertEquals(org.nd4j.linalg.api.buffer.DataType.FLOAT, lm.params().dataType());
        assertEquals(lm.getLayer(0).getParam("W").transpose(), lm.getLayer(3).getParam("W"),
                "tied: the softmax weight is the embedding's transpose");
        assertEquals(128, lm.getLayer(1).getParam("RW").size(0), "128 LSTM units");
        Path out = dir.resolve("wt2-sweep");
        CliTest.Run sweep = CliTest.run("sweep", model.toString(), "--corpus", corpus.toString(), "--weight-bits", "8",
                "--methods", "none,ocs:0.05", "--window", "10", "--out", out.toString());
        assertEquals(0, sweep.code(), sweep.err());
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        for (JsonNode c : json.get("cells")) {
            if (c.get("column").asText().equals("ocs:0.05")) {
                assertTrue(c.get("splitLayers").asInt() >= 3, "both LSTMs' and the softmax's inputs split: " + c);
            }
        }
    }

    @Test
    void aModelOfAnotherVocabularyIsRefused() throws Exception {
        Path corpus = corpus();
        Path model = dir.resolve("lm.zip");
        ModelFiles.save(ReferenceModels.lstmLanguageModel(99, 4, 4, 1), model, null);
        CliTest.Run r = CliTest.run("sweep", model.toString(), "--corpus", corpus.toString(), "--out",
                dir.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("predicts 99 tokens") && r.err().contains("16"), r.err());
    }
}
