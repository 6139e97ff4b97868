package org.ocs4j.imports;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.ocs4j.io.ModelZip;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a model file of any format ocs4j reads: a DL4J {@link ModelSerializer} zip (MultiLayerNetwork or
 * ComputationGraph, whichever it holds), a Keras HDF5 model ({@link KerasModels}) or a TF-slim MobileNet v1 frozen
 * graph {@code .pb} ({@link TfMobileNetV1}).
 */
public final class ModelLoader {

    private ModelLoader() {
    }

    /**
     * Loads a MultiLayerNetwork or ComputationGraph, whichever the file holds.
     *
     * @throws IllegalArgumentException naming the file when it is missing, unreadable or not a model
     */
    public static Model load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("model file " + file + " does not exist (or is not a file)");
        }
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (KerasModels.isHdf5(file)) {
            return KerasModels.load(file);
        }
        if (name.endsWith(".h5") || name.endsWith(".hdf5") || name.endsWith(".keras")) {
            throw new IllegalArgumentException("model file " + file + " is named like a Keras HDF5 model but does not"
                    + " start with the HDF5 signature: corrupt, truncated, or not a Keras model");
        }
        if (name.endsWith(".pb")) {
            return TfMobileNetV1.importFrozenGraph(file);
        }
        String configuration = ModelZip.configuration(file);
        try {
            if (configuration.contains("\"vertices\"")) {
                return ModelSerializer.restoreComputationGraph(file.toFile(), false);
            }
            if (configuration.contains("\"confs\"")) {
                return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("model file " + file + " could not be read as a DL4J model: "
                    + e.getMessage(), e);
        }
        throw new IllegalArgumentException("model file " + file
                + " holds neither a MultiLayerNetwork nor a ComputationGraph configuration");
    }
}
