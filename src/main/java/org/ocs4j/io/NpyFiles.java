package org.ocs4j.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** numpy {@code .npy} files in and out, so researchers can compare ocs4j with their Python tools. */
public final class NpyFiles {

    private NpyFiles() {
    }

    /**
     * Reads a float32 or float64 array.
     *
     * @throws IllegalArgumentException naming the file when it is missing, unreadable or of another dtype
     */
    public static INDArray readFloating(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(".npy file " + file + " does not exist (or is not a file)");
        }
        INDArray a;
        try {
            a = Nd4j.createFromNpyFile(file.toFile());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " is not a readable .npy file: " + e.getMessage(), e);
        }
        if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException(file + " holds " + a.dataType() + " values; ocs4j reads float32 or"
                    + " float64 .npy files");
        }
        return a;
    }

    /** Writes an array atomically (temporary file, then move). */
    public static void write(INDArray array, Path out) throws IOException {
        ModelFiles.writeAtomically(out, tmp -> Nd4j.writeAsNumpy(array, tmp.toFile()));
    }
}
