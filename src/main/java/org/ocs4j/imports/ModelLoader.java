package org.ocs4j.imports;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.ocs4j.io.ModelZip;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a model file of any format ocs4j reads: a DL4J {@link ModelSerializer} zip (MultiLayerNetwork or
 * ComputationGraph, whichever it holds), a Keras HDF5 model ({@link KerasModels}) or a TF-slim MobileNet v1 frozen
 * graph {@code .pb} ({@link TfMobileNetV1}). DL4J networks stored in 16 bits come back in float32.
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
                return inFloat32(ModelSerializer.restoreComputationGraph(file.toFile(), false));
            }
            if (configuration.contains("\"confs\"")) {
                return inFloat32(ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false));
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("model file " + file + " could not be read as a DL4J model: "
                    + e.getMessage(), e);
        }
        throw new IllegalArgumentException("model file " + file
                + " holds neither a MultiLayerNetwork nor a ComputationGraph configuration");
    }

    /**
     * A network stored in 16 bits (half or bfloat16: half the file size, e.g. a committed language model) converted
     * to float32, the precision ocs4j simulates quantization against; other networks as they are.
     */
    static MultiLayerNetwork inFloat32(MultiLayerNetwork net) {
        return sixteenBits(net.params().dataType()) ? net.convertDataType(DataType.FLOAT) : net;
    }

    static ComputationGraph inFloat32(ComputationGraph net) {
        return sixteenBits(net.params().dataType()) ? net.convertDataType(DataType.FLOAT) : net;
    }

    private static boolean sixteenBits(DataType t) {
        return t == DataType.HALF || t == DataType.BFLOAT16;
    }
}
