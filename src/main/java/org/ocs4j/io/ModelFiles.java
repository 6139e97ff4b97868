package org.ocs4j.io;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.ocs4j.graph.InputShape;

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

/**
 * Writing files and reading what ocs4j stores in model zips: atomic writes that never touch an input, checksums, and
 * the input shape ocs4j stores beside a model. Loading models of every supported format is
 * {@code org.ocs4j.imports.ModelLoader}'s.
 */
public final class ModelFiles {

    /** Key of the input shape ({@code "3,224,224"}) ocs4j adds to the model zip. */
    public static final String INPUT_SHAPE_KEY = "ocs4j-input-shape";

    private ModelFiles() {
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
     * Writes {@code out} atomically: {@code writer} fills a new file beside it (created with the permissions of any
     * file the user creates, i.e. as the umask allows), which is then moved into place, so a failed or interrupted
     * write leaves no partial file. Only regular files are ever replaced: an existing directory, device, FIFO or
     * symbolic link at {@code out} is refused (a link is neither followed nor replaced: give its target instead).
     *
     * @throws IllegalArgumentException when {@code out} exists and is not a regular file
     * @throws IOException              naming {@code out} when it cannot be written
     */
    public static void writeAtomically(Path out, ContentWriter writer) throws IOException {
        requireRegularTarget(out);
        Path dir = out.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + out.getFileName() + "." + ProcessHandle.current().pid() + "."
                + TEMPORARY.incrementAndGet() + ".tmp");
        try {
            Files.createDirectories(dir);
            Files.createFile(tmp);
            writer.write(tmp);
            moveIntoPlace(tmp, out);
        } catch (IOException e) {
            throw new IOException("could not write " + out + ": " + e.getClass().getSimpleName() + " "
                    + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static final java.util.concurrent.atomic.AtomicLong TEMPORARY = new java.util.concurrent.atomic.AtomicLong();

    /** Refuses an output path that exists and is not a regular file (directory, device, FIFO, symbolic link). */
    public static void requireRegularTarget(Path out) {
        if (Files.isSymbolicLink(out)) {
            throw new IllegalArgumentException("output " + out + " is a symbolic link: ocs4j neither writes through nor"
                    + " replaces links; give the path of the file itself");
        }
        if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && !Files.isRegularFile(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("output " + out + " exists and is not a regular file (a directory,"
                    + " device or FIFO): ocs4j writes results to regular files only; choose another path");
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

    /**
     * Checks a command's outputs before anything is written, so that no output is left behind when another is
     * refused: each must be a regular file or not exist ({@link #requireRegularTarget}), and no two may name the
     * same file ({@code --out X --report X}, named by both options).
     *
     * @param options option names and their paths, alternating ({@code "--out", out, "--report", report}); null
     *                paths are skipped
     */
    public static void requireOutputs(Object... options) {
        for (int i = 0; i + 1 < options.length; i += 2) {
            if (options[i + 1] != null) {
                requireRegularTarget((Path) options[i + 1]);
            }
        }
        for (int i = 0; i + 1 < options.length; i += 2) {
            for (int j = i + 2; j + 1 < options.length; j += 2) {
                Path a = (Path) options[i + 1];
                Path b = (Path) options[j + 1];
                if (a != null && b != null && a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
                    throw new IllegalArgumentException(options[j] + " " + b + " is the same file as " + options[i]
                            + " " + a + ": each output needs its own file; choose another " + options[j]);
                }
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
