package org.ocs4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.ocs4j.testing.SharedData;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Word corpora: the published token counts of PTB and WikiText-2, and the BPTT windows over them. */
@org.junit.jupiter.api.Tag("data")
class WordCorpusTest {

    @Test
    void ptbHasThePublishedCounts() {
        WordCorpus ptb = WordCorpus.ptb(SharedData.require("ptb"));
        System.out.println(ptb);
        assertEquals(10_000, ptb.vocabularySize());
        assertEquals(929_589, ptb.tokens("train").length);
        assertEquals(73_760, ptb.tokens("valid").length);
        assertEquals(82_430, ptb.tokens("test").length);
        assertEquals(WordCorpus.EOS, ptb.word(ptb.tokens("test")[ptb.tokens("test").length - 1]));
    }

    @Test
    void wikiText2HasThePublishedCounts() {
        WordCorpus wiki = WordCorpus.wikiText2(SharedData.require("wikitext-2"));
        System.out.println(wiki);
        assertEquals(33_278, wiki.vocabularySize());
        assertEquals(2_088_628, wiki.tokens("train").length);
        assertEquals(217_646, wiki.tokens("valid").length);
        assertEquals(245_569, wiki.tokens("test").length);
    }

    @Test
    void everyLineEndsWithEosAndIdsFollowFirstAppearance(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("train.txt"), " a b a \n\n c\n");
        Files.writeString(dir.resolve("valid.txt"), "c a\n");
        Files.writeString(dir.resolve("test.txt"), "b\n");
        WordCorpus c = WordCorpus.load("tiny", dir.resolve("train.txt"), dir.resolve("valid.txt"), dir.resolve("test.txt"));
        // a=0 b=1 <eos>=2 c=3
        assertArrayEquals(new int[]{0, 1, 0, 2, 2, 3, 2}, c.tokens("train"));
        assertArrayEquals(new int[]{3, 0, 2}, c.tokens("valid"));
        assertEquals(4, c.vocabularySize());
        Files.writeString(dir.resolve("bad.txt"), "a zebra\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WordCorpus.load("x",
                dir.resolve("train.txt"), dir.resolve("bad.txt"), dir.resolve("test.txt")));
        assertTrue(e.getMessage().contains("\"zebra\"") && e.getMessage().contains("line 1"), e.getMessage());
        Files.writeString(dir.resolve("empty.txt"), "");
        e = assertThrows(IllegalArgumentException.class, () -> WordCorpus.load("x", dir.resolve("empty.txt"),
                dir.resolve("valid.txt"), dir.resolve("test.txt")));
        assertTrue(e.getMessage().contains("no tokens"), e.getMessage());
    }

    @Test
    void bpttWindowsContinueEachRowAndShiftTargetsByOne() {
        int[] tokens = new int[23];
        for (int i = 0; i < tokens.length; i++) tokens[i] = i;
        BpttIterator it = new BpttIterator(tokens, 2, 4); // rows 0..10 and 11..21 (token 22 dropped), 10 steps each
        assertEquals(20, it.predictedTokens());
        DataSet w1 = it.next();
        assertArrayEquals(new long[]{2, 1, 4}, w1.getFeatures().shape());
        assertArrayEquals(new float[]{0, 1, 2, 3}, w1.getFeatures().slice(0).toFloatVector());
        assertArrayEquals(new float[]{1, 2, 3, 4}, w1.getLabels().slice(0).toFloatVector());
        assertArrayEquals(new float[]{11, 12, 13, 14}, w1.getFeatures().slice(1).toFloatVector());
        DataSet w2 = it.next();
        assertArrayEquals(new float[]{4, 5, 6, 7}, w2.getFeatures().slice(0).toFloatVector());
        DataSet w3 = it.next();
        assertArrayEquals(new long[]{2, 1, 2}, w3.getFeatures().shape(), "the last window is shorter");
        assertArrayEquals(new float[]{9, 10}, w3.getLabels().slice(0).toFloatVector());
        assertFalse(it.hasNext());
        it.reset();
        assertTrue(it.hasNext());
        assertThrows(IllegalArgumentException.class, () -> new BpttIterator(tokens, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new BpttIterator(new int[0], 1, 5));
        assertThrows(IllegalArgumentException.class, () -> new BpttIterator(tokens, 20, 5));
    }
}
