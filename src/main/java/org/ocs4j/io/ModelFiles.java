package org.ocs4j.io;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.ocs4j.graph.InputShape;
import org.ocs4j.imports.KerasModels;
import org.ocs4j.imports.TfMobileNetV1;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reading and writing model files ({@link ModelSerializer} zips; Keras HDF5 and TF MobileNet frozen graphs are read
 * too): type detection, clear errors for missing or corrupt files, atomic writes that never touch the input, and the input shape ocs4j stores beside the model.
 */
public final class ModelFiles {

    /** Key of the input shape ({@code "3,224,224"}) ocs4j adds to the model zip. */
    public static final String INPUT_SHAPE_KEY = "ocs4j-input-shape";

    private ModelFiles() {
    }

    /**
     * Loads a MultiLayerNetwork or ComputationGraph, whichever the file holds: a DL4J {@link ModelSerializer} zip, a
     * Keras HDF5 model ({@link KerasModels}) or a TF-slim MobileNet v1 frozen graph {@code .pb}
     * ({@link TfMobileNetV1}).
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

    /** @return the input shape stored in the file by ocs4j, if any */
    public static Optional<InputShape> inputShape(Path file) {
        try {
            if (!ModelSerializer.listObjectsInFile(file.toFile()).contains(INPUT_SHAPE_KEY)) {
                return Optional.empty();
            }
            String text = ModelSerializer.getObjectFromFile(file.toFile(), INPUT_SHAPE_KEY);
            return Optional.of(InputShape.parse(text));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Saves a model atomically: written to a temporary file beside {@code out}, then moved into place, so an
     * interrupted or failed save leaves no partial file.
     *
     * @param shape input shape to store with the model, or null
     */
    public static void save(Model model, Path out, InputShape shape) throws IOException {
        writeAtomically(out, tmp -> {
            ModelSerializer.writeModel(model, tmp.toFile(), false);
            if (shape != null) {
                ModelSerializer.addObjectToFile(tmp.toFile(), INPUT_SHAPE_KEY, shape.toString());
            }
        });
    }

    /** Writes text atomically (temporary file, then move). */
    public static void writeString(Path out, String text) throws IOException {
        writeAtomically(out, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /** Writes a file's content to a temporary path. */
    @FunctionalInterface
    public interface ContentWriter {
        void write(Path temporary) throws IOException;
    }

    /**
     * Writes {@code out} atomically: {@code writer} fills a temporary file beside it, which is then moved into place,
     * so a failed or interrupted write leaves no partial file.
     */
    public static void writeAtomically(Path out, ContentWriter writer) throws IOException {
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + out.getFileName(), ".tmp");
        try {
            writer.write(tmp);
            moveIntoPlace(tmp, out);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void moveIntoPlace(Path tmp, Path out) throws IOException {
        try {
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Refuses an output path that is one of the input files. */
    public static void requireNotInput(Path out, Path... inputs) {
        for (Path in : inputs) {
            if (in == null) continue;
            boolean same;
            try {
                same = Files.exists(out) && Files.isSameFile(in, out);
            } catch (IOException e) {
                same = false;
            }
            if (same || in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("output " + out + " is the input file " + in
                        + "; ocs4j never overwrites its input: choose another --out");
            }
        }
    }

    /** @return the SHA-256 of a file, in hex */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
