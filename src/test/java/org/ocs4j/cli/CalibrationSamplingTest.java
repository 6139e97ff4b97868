package org.ocs4j.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.DataSet;
import org.ocs4j.imports.ModelLoader;
import org.ocs4j.pipeline.CalibrationData;
import org.ocs4j.testing.SharedData;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Calibration batches from a class-sorted folder are a random draw across classes, and say where they come from. */
@Tag("data")
class CalibrationSamplingTest {

    @Test
    void classSortedFoldersGiveBatchesOfManyClasses() {
        Path model = SharedData.require("models/cifar10_resnet20/cifar10_ResNet20v1_model.h5");
        DataOptions options = new DataOptions();
        options.data = SharedData.require("cifar10/test").toString();
        options.size = "32,32";
        options.normalization = "unit";
        options.resize = "direct";
        DataOptions.Opened c = options.openCalibration(ModelLoader.load(model), model, 16, 2, 42);
        Set<Integer> classes = new HashSet<>();
        while (c.iterator().hasNext()) {
            DataSet b = c.iterator().next();
            for (long i = 0; i < b.getLabels().size(0); i++) {
                classes.add(b.getLabels().getRow(i).argMax().getInt(0));
            }
        }
        System.out.println("calibration: " + c.description() + " → " + classes.size() + " classes in 32 images");
        assertTrue(classes.size() >= 5, "a random draw over 10 sorted class folders: " + classes);
        assertTrue(c.description().startsWith(CalibrationData.FROM_EVALUATION_DATA), c.description());
        assertTrue(c.description().contains("seed 42") && c.description().contains("batches of 16"), c.description());
    }
}
