package org.ocs4j.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real data beside the checkout ({@code ../shared/datasets}). A test that needs a file fails — never skips — with
 * what is missing and how to get it, so CI cannot pass without the data.
 */
public final class SharedData {

    /** Root of the shared datasets, relative to the project directory (Maven runs tests there). */
    public static final Path ROOT = Path.of("..", "shared", "datasets");

    private SharedData() {
    }

    /** @return {@code ROOT/relative}, failing the test when it does not exist */
    public static Path require(String relative) {
        Path p = ROOT.resolve(relative);
        if (!Files.exists(p)) {
            fail("missing test data " + p.toAbsolutePath().normalize() + ": this test needs the real datasets of"
                    + " ../shared/datasets beside the checkout (see ../shared/datasets/README.md for what each file is"
                    + " and where it comes from)");
        }
        return p;
    }

    /** The Debian package's Fashion-MNIST folder, failing the test when the package is not installed. */
    public static Path fashionMnist() {
        Path dir = org.ocs4j.data.FashionMnist.DEBIAN_DIR;
        if (!Files.isDirectory(dir)) {
            fail("missing " + dir + ": install the Debian package (apt-get install -y dataset-fashion-mnist)");
        }
        return dir;
    }
}
