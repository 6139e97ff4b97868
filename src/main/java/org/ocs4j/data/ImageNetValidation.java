package org.ocs4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The ILSVRC2012 validation set in either common layout: a flat folder of {@code ILSVRC2012_val_NNNNNNNN.JPEG} plus
 * the ground-truth file ({@code val.txt}: {@code ILSVRC2012_val_00000001.JPEG 65}, class 0..999 in sorted-synset
 * order), or one sub-folder per synset ({@code n01440764/…}) with the synset list ({@code synset_words.txt}, line
 * {@code i} = class {@code i}). A subset of the 50,000 images is fine: every present image is labelled.
 */
public final class ImageNetValidation {

    /** Number of ImageNet classes. */
    public static final int CLASSES = 1000;

    private ImageNetValidation() {
    }

    /**
     * @param folder      flat folder of validation JPEGs (only files named in the ground truth are used)
     * @param groundTruth {@code val.txt}-style file: image file name, space, class index
     */
    public static LabelledImages flat(Path folder, Path groundTruth) {
        requireDirectory(folder, "ImageNet validation image folder");
        requireFile(groundTruth, "ImageNet ground-truth file (val.txt)");
        Map<String, Integer> truth = new HashMap<>();
        try (Stream<String> lines = Files.lines(groundTruth)) {
            int[] lineNo = {0};
            lines.forEach(line -> {
                lineNo[0]++;
                if (line.isBlank()) {
                    return;
                }
                String[] parts = line.trim().split("\\s+");
                if (parts.length != 2) {
                    throw new IllegalArgumentException(groundTruth + " line " + lineNo[0] + ": expected \"FILE CLASS\","
                            + " got \"" + line + "\"");
                }
                truth.put(parts[0], Integer.parseInt(parts[1]));
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + groundTruth, e);
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path f : sortedImages(folder)) {
            Integer label = truth.get(f.getFileName().toString());
            if (label == null) {
                throw new IllegalArgumentException(f + " is not in the ground truth " + groundTruth);
            }
            files.add(f);
            labels.add(label);
        }
        return new LabelledImages("ImageNet validation " + folder, files,
                labels.stream().mapToInt(Integer::intValue).toArray(), CLASSES);
    }

    /**
     * @param root        folder with one sub-folder per synset id
     * @param synsetWords {@code synset_words.txt}: line {@code i} starts with the synset id of class {@code i}
     */
    public static LabelledImages synsetFolders(Path root, Path synsetWords) {
        requireDirectory(root, "ImageNet validation root (one sub-folder per synset)");
        requireFile(synsetWords, "ImageNet synset list (synset_words.txt)");
        Map<String, Integer> index = new HashMap<>();
        try {
            List<String> lines = Files.readAllLines(synsetWords);
            for (String line : lines) {
                if (!line.isBlank()) {
                    index.put(line.trim().split("\\s+", 2)[0], index.size());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + synsetWords, e);
        }
        if (index.size() != CLASSES) {
            throw new IllegalArgumentException(synsetWords + " lists " + index.size() + " synsets, expected " + CLASSES);
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                Integer label = index.get(dir.getFileName().toString());
                if (label == null) {
                    throw new IllegalArgumentException(dir + " is not a synset of " + synsetWords);
                }
                for (Path f : sortedImages(dir)) {
                    files.add(f);
                    labels.add(label);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        return new LabelledImages("ImageNet validation " + root, files,
                labels.stream().mapToInt(Integer::intValue).toArray(), CLASSES);
    }

    static List<Path> sortedImages(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                return n.endsWith(".jpeg") || n.endsWith(".jpg") || n.endsWith(".png");
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    static void requireDirectory(Path p, String what) {
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException(what + " " + p + " does not exist or is not a folder");
        }
    }

    static void requireFile(Path p, String what) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(what + " " + p + " does not exist");
        }
    }
}
