package org.ocs4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Needs the Debian package dataset-fashion-mnist (.ci/run installs it); fails, never skips, without it. */
@org.junit.jupiter.api.Tag("data")
class FashionMnistTest {

    @Test
    void loadsTheDebianCopy() {
        org.ocs4j.testing.SharedData.fashionMnist();
        DataSet test = FashionMnist.test(FashionMnist.DEBIAN_DIR);
        assertArrayEquals(new long[] {10000, 1, 28, 28}, test.getFeatures().shape());
        assertArrayEquals(new long[] {10000, 10}, test.getLabels().shape());
        assertEquals(0.0, test.getFeatures().minNumber().doubleValue());
        assertEquals(1.0, test.getFeatures().maxNumber().doubleValue());
        assertEquals(10000.0, test.getLabels().sumNumber().doubleValue(), "one-hot rows");
        // The test split is balanced: 1,000 images per class.
        double[] perClass = test.getLabels().sum(0).toDoubleVector();
        for (double c : perClass) {
            assertEquals(1000.0, c);
        }
        assertTrue(test.getFeatures().meanNumber().doubleValue() > 0.2, "real images, not zeros");
    }

    @Test
    void aMissingFolderSaysHowToGetTheData(@TempDir Path empty) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.train(empty));
        assertTrue(e.getMessage().contains("apt-get install -y dataset-fashion-mnist"), e.getMessage());
    }
}
