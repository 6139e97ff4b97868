package org.ocs4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Recognizes a labelled image folder by its layout: CIFAR-10 class folders, ImageNet synset folders, or a flat
 * ImageNet validation folder with its ground-truth file.
 */
public final class ImageFolders {

    private ImageFolders() {
    }

    /**
     * @param dir         the folder
     * @param groundTruth {@code val.txt} for a flat ImageNet folder (null: {@code val.txt} in the folder or its parent)
     * @param synsets     {@code synset_words.txt} for synset folders (null: in the folder, its parent, or
     *                    {@code labels/} beside it)
     */
    public static LabelledImages open(Path dir, Path groundTruth, Path synsets) {
        ImageNetValidation.requireDirectory(dir, "image folder");
        if (Cifar10.CLASSES.stream().allMatch(c -> Files.isDirectory(dir.resolve(c)))) {
            return Cifar10.classFolders(dir);
        }
        boolean synsetDirs;
        try (Stream<Path> s = Files.list(dir)) {
            synsetDirs = s.anyMatch(p -> Files.isDirectory(p) && p.getFileName().toString().matches("n\\d{8}"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        if (synsetDirs) {
            Path words = synsets != null ? synsets : firstExisting(dir.resolve("synset_words.txt"),
                    sibling(dir, "synset_words.txt"), sibling(dir, "labels/synset_words.txt"));
            if (words == null) {
                throw new IllegalArgumentException(dir + " has synset folders but no synset_words.txt was given or found"
                        + " beside it (--synsets FILE: line i = synset of class i)");
            }
            return ImageNetValidation.synsetFolders(dir, words);
        }
        if (!ImageNetValidation.sortedImages(dir).isEmpty()) {
            Path truth = groundTruth != null ? groundTruth
                    : firstExisting(dir.resolve("val.txt"), sibling(dir, "val.txt"));
            if (truth == null) {
                throw new IllegalArgumentException(dir + " holds images but no ground-truth file was given or found"
                        + " beside it (--ground-truth val.txt: \"ILSVRC2012_val_00000001.JPEG 65\" per line)");
            }
            return ImageNetValidation.flat(dir, truth);
        }
        throw new IllegalArgumentException(dir + " is not a known image layout: expected CIFAR-10 class folders ("
                + String.join(", ", Cifar10.CLASSES) + "), ImageNet synset folders (n01440764/…), or ImageNet"
                + " validation JPEGs with a val.txt");
    }

    private static Path sibling(Path dir, String name) {
        Path parent = dir.toAbsolutePath().getParent();
        return parent == null ? null : parent.resolve(name);
    }

    private static Path firstExisting(Path... candidates) {
        for (Path p : candidates) {
            if (p != null && Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
