package org.ocs4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 as class folders ({@code ROOT/airplane/0001.jpg}, …): the folder name is the class, indexed in the
 * standard CIFAR-10 order {@link #CLASSES}.
 */
public final class Cifar10 {

    /** The ten class folder names, index 0..9. */
    public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    private Cifar10() {
    }

    /** @param root folder with the ten class sub-folders (every one must exist) */
    public static LabelledImages classFolders(Path root) {
        ImageNetValidation.requireDirectory(root, "CIFAR-10 root (one sub-folder per class)");
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < CLASSES.size(); c++) {
            Path dir = root.resolve(CLASSES.get(c));
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("CIFAR-10 class folder " + dir + " is missing (expected "
                        + String.join(", ", CLASSES) + " under " + root + ")");
            }
            for (Path f : ImageNetValidation.sortedImages(dir)) {
                files.add(f);
                labels.add(c);
            }
        }
        return new LabelledImages("CIFAR-10 " + root, files, labels.stream().mapToInt(Integer::intValue).toArray(),
                CLASSES.size());
    }
}
