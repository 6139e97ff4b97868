package org.ocs4j.imports;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keras HDF5 models (architecture and weights in one {@code .h5}) through DL4J's {@link KerasModelImport}: a
 * functional model becomes a ComputationGraph, a Sequential one a MultiLayerNetwork. Keras models are channels-last,
 * so their convolutions stay NHWC and their input is {@code [N, H, W, C]}.
 */
public final class KerasModels {

    private KerasModels() {
    }

    /**
     * @throws IllegalArgumentException naming the file and DL4J's reason when it cannot be imported
     */
    public static Model load(Path h5) {
        if (!Files.isRegularFile(h5)) {
            throw new IllegalArgumentException("Keras model " + h5 + " does not exist");
        }
        String file = h5.toAbsolutePath().toString();
        try {
            return KerasModelImport.importKerasModelAndWeights(file, false);
        } catch (Exception functional) {
            try {
                return KerasModelImport.importKerasSequentialModelAndWeights(file, false);
            } catch (Exception sequential) {
                IllegalArgumentException e = new IllegalArgumentException("Keras model " + h5 + " could not be"
                        + " imported: as a functional model: " + functional.getMessage() + "; as a Sequential model: "
                        + sequential.getMessage(), functional);
                e.addSuppressed(sequential);
                throw e;
            }
        }
    }

    /**
     * The image size a Keras model declares in its first layer's {@code batch_input_shape} ({@code [null, H, W, C]},
     * an {@code InputLayer} of a functional model or the first layer of a Sequential one), read from the file's
     * {@code model_config}.
     *
     * @return {@code {H, W}}, or empty when the file declares no 4-dimensional input
     */
    public static java.util.Optional<int[]> imageSize(Path h5) {
        try (org.deeplearning4j.nn.modelimport.keras.Hdf5Archive archive =
                     new org.deeplearning4j.nn.modelimport.keras.Hdf5Archive(h5.toAbsolutePath().toString())) {
            com.fasterxml.jackson.databind.JsonNode config = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(archive.readAttributeAsJson("model_config")).path("config");
            com.fasterxml.jackson.databind.JsonNode layers = config.isArray() ? config : config.path("layers");
            com.fasterxml.jackson.databind.JsonNode shape = layers.path(0).path("config").path("batch_input_shape");
            if (shape.size() == 4 && shape.get(1).canConvertToInt() && shape.get(2).canConvertToInt()) {
                return java.util.Optional.of(new int[] {shape.get(1).asInt(), shape.get(2).asInt()});
            }
            return java.util.Optional.empty();
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }

    /** @return true when the file starts with the HDF5 signature */
    public static boolean isHdf5(Path file) {
        byte[] signature = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return java.util.Arrays.equals(in.readNBytes(8), signature);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
