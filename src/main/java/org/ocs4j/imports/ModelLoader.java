package org.ocs4j.imports;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

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
        if (KerasModels.isHdf5(file)) {
            return KerasModels.load(file);
        }
        if (file.getFileName().toString().endsWith(".pb")) {
            return TfMobileNetV1.importFrozenGraph(file);
        }
        String configuration = configurationJson(file);
        try {
            if (configuration.contains("\"vertices\"")) {
                return ModelSerializer.restoreComputationGraph(file.toFile(), false);
            }
            if (configuration.contains("\"confs\"")) {
                return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("model file " + file + " could not be read as a DL4J model: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("model file " + file
                + " holds neither a MultiLayerNetwork nor a ComputationGraph configuration");
    }

    private static String configurationJson(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry("configuration.json");
            if (entry == null) {
                throw new IllegalArgumentException("model file " + file
                        + " is a zip without configuration.json: not a DL4J ModelSerializer file");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("model file " + file + " is not a readable zip (corrupt or truncated?): "
                    + e.getMessage(), e);
        }
    }

}
