package org.ocs4j.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real data beside the checkout ({@code ../shared/datasets}) and the Debian package's Fashion-MNIST. Test classes
 * that need them are tagged {@code data}. When a file is missing, the tests that need it are skipped and one line per
 * missing file says so — unless the environment variable {@code OCS4J_REQUIRE_DATA=1} is set (CI sets it), in which
 * case they fail, so that CI cannot pass without the data.
 */
public final class SharedData {

    /** Root of the shared datasets, relative to the project directory (Maven runs tests there). */
    public static final Path ROOT = Path.of("..", "shared", "datasets");

    /** Whether missing data fails the tests instead of skipping them. */
    public static final boolean REQUIRED = "1".equals(System.getenv("OCS4J_REQUIRE_DATA"))
            || "true".equalsIgnoreCase(System.getenv("OCS4J_REQUIRE_DATA"));

    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private SharedData() {
    }

    /** @return {@code ROOT/relative}, skipping (or failing, see above) the test when it does not exist */
    public static Path require(String relative) {
        Path p = ROOT.resolve(relative);
        if (!Files.exists(p)) {
            missing(p.toAbsolutePath().normalize().toString(), "the real datasets of ../shared/datasets beside the"
                    + " checkout (see ../shared/datasets/README.md for what each file is and where it comes from)");
        }
        return p;
    }

    /** @return {@code ../shared/fixtures/relative}, skipping (or failing, see above) the test when it does not exist */
    public static Path fixture(String relative) {
        Path p = ROOT.resolveSibling("fixtures").resolve(relative);
        if (!Files.exists(p)) {
            missing(p.toAbsolutePath().normalize().toString(), "the fixtures of ../shared/fixtures beside the checkout");
        }
        return p;
    }

    /** The Debian package's Fashion-MNIST folder, skipping (or failing) the test when the package is not installed. */
    public static Path fashionMnist() {
        Path dir = org.ocs4j.data.FashionMnist.DEBIAN_DIR;
        if (!Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz"))) {
            missing(dir.toString(), "install the Debian package: apt-get install -y dataset-fashion-mnist");
        }
        return dir;
    }

    private static void missing(String what, String how) {
        if (REQUIRED) {
            fail("missing test data " + what + " (OCS4J_REQUIRE_DATA is set, so data tests must run): " + how);
        }
        if (REPORTED.add(what)) {
            System.out.println("[ocs4j tests] SKIPPED: the tests that need " + what + " (it is missing; " + how + ")");
        }
        Assumptions.abort("missing test data " + what + ": " + how);
    }
}
