package org.ocs4j.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A word-level language-modelling corpus — Penn Treebank ({@code ptb.{train,valid,test}.txt}) or WikiText-2
 * ({@code wiki.{train,valid,test}.tokens}) — tokenized the standard way (as PyTorch's {@code word_language_model}
 * does): every line, blank lines included, is its whitespace-separated tokens followed by {@code <eos>}. The
 * vocabulary is built from the training split in order of first appearance; a token of another split missing from
 * it is an error (both corpora already map rare words to {@code <unk>}).
 */
public final class WordCorpus {

    /** The end-of-sentence token appended to every line. */
    public static final String EOS = "<eos>";

    private final String name;
    private final List<String> words;
    private final Map<String, Integer> ids;
    private final Map<String, int[]> splits;

    private WordCorpus(String name, List<String> words, Map<String, Integer> ids, Map<String, int[]> splits) {
        this.name = name;
        this.words = words;
        this.ids = ids;
        this.splits = splits;
    }

    /** Penn Treebank from a folder holding {@code ptb.train.txt}, {@code ptb.valid.txt}, {@code ptb.test.txt}. */
    public static WordCorpus ptb(Path dir) {
        return load("PTB " + dir, dir.resolve("ptb.train.txt"), dir.resolve("ptb.valid.txt"), dir.resolve("ptb.test.txt"));
    }

    /** WikiText-2 from a folder holding {@code wiki.train.tokens}, {@code wiki.valid.tokens}, {@code wiki.test.tokens}. */
    public static WordCorpus wikiText2(Path dir) {
        return load("WikiText-2 " + dir, dir.resolve("wiki.train.tokens"), dir.resolve("wiki.valid.tokens"),
                dir.resolve("wiki.test.tokens"));
    }

    /**
     * PTB or WikiText-2, whichever the folder holds.
     *
     * @throws IllegalArgumentException naming the folder and the files looked for when it holds neither
     */
    public static WordCorpus detect(Path dir) {
        if (java.nio.file.Files.isRegularFile(dir.resolve("ptb.train.txt"))) return ptb(dir);
        if (java.nio.file.Files.isRegularFile(dir.resolve("wiki.train.tokens"))) return wikiText2(dir);
        throw new IllegalArgumentException(dir + " holds neither ptb.train.txt (Penn Treebank) nor wiki.train.tokens"
                + " (WikiText-2)");
    }

    /** A corpus from three files: the vocabulary comes from {@code train}. */
    public static WordCorpus load(String name, Path train, Path valid, Path test) {
        Map<String, Integer> ids = new HashMap<>();
        List<String> words = new ArrayList<>();
        Map<String, int[]> splits = new HashMap<>();
        splits.put("train", tokenize(train, ids, words, true));
        splits.put("valid", tokenize(valid, ids, words, false));
        splits.put("test", tokenize(test, ids, words, false));
        return new WordCorpus(name, Collections.unmodifiableList(words), Collections.unmodifiableMap(ids), splits);
    }

    private static int[] tokenize(Path file, Map<String, Integer> ids, List<String> words, boolean grow) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("corpus file " + file + " does not exist");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        int count = 0;
        for (String line : lines) {
            count += split(line).length + 1;
        }
        int[] tokens = new int[count];
        int i = 0;
        for (int lineNo = 0; lineNo < lines.size(); lineNo++) {
            for (String w : split(lines.get(lineNo))) {
                tokens[i++] = id(w, ids, words, grow, file, lineNo + 1);
            }
            tokens[i++] = id(EOS, ids, words, grow, file, lineNo + 1);
        }
        if (count == 0 || (count == lines.size() && lines.stream().allMatch(String::isBlank))) {
            throw new IllegalArgumentException("corpus file " + file + " holds no tokens");
        }
        return tokens;
    }

    private static String[] split(String line) {
        String t = line.strip();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    private static int id(String w, Map<String, Integer> ids, List<String> words, boolean grow, Path file, int line) {
        Integer id = ids.get(w);
        if (id == null) {
            if (!grow) {
                throw new IllegalArgumentException(file + " line " + line + ": token \"" + w
                        + "\" is not in the training vocabulary");
            }
            id = words.size();
            ids.put(w, id);
            words.add(w);
        }
        return id;
    }

    /** @return e.g. {@code "PTB ../shared/datasets/ptb"} */
    public String name() {
        return name;
    }

    /** @return the vocabulary size (PTB: 10,000; WikiText-2: 33,278) */
    public int vocabularySize() {
        return words.size();
    }

    /** @return the token of an id */
    public String word(int id) {
        return words.get(id);
    }

    /** @return the id of a token, or -1 when it is not in the vocabulary */
    public int id(String word) {
        return ids.getOrDefault(word, -1);
    }

    /**
     * @param split {@code train}, {@code valid} or {@code test}
     * @return the split's token ids (a copy)
     */
    public int[] tokens(String split) {
        int[] t = splits.get(split);
        if (t == null) {
            throw new IllegalArgumentException("unknown split \"" + split + "\"; choose train, valid or test");
        }
        return t.clone();
    }

    /** @return the split's token ids as an ND4J int vector */
    public INDArray tokenArray(String split) {
        return Nd4j.createFromArray(tokens(split));
    }

    @Override
    public String toString() {
        return String.format("%s: vocabulary %,d; train %,d, valid %,d, test %,d tokens (with <eos>)", name,
                vocabularySize(), splits.get("train").length, splits.get("valid").length, splits.get("test").length);
    }
}
