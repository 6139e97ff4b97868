package org.ocs4j.io;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Checks a DL4J {@code ModelSerializer} zip before DL4J reads it, so that a damaged file is refused with a message
 * instead of read as garbage or allocated from a corrupt length: a readable zip; every entry complete (read in full,
 * so its CRC is checked); {@code configuration.json} present and UTF-8; the parameters ({@code coefficients.bin},
 * or the {@code noParams.marker} of a model without any) an ND4J array whose shape header and payload agree with the
 * entry's size. (DL4J reads entries through {@link ZipFile}, which checks no CRC.)
 */
public final class ModelZip {

    private static final String CONFIGURATION = "configuration.json";
    private static final String COEFFICIENTS = "coefficients.bin";
    private static final String NO_PARAMS = "noParams.marker";

    private ModelZip() {
    }

    /**
     * @return the configuration JSON of a checked model zip
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static String configuration(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry configuration = zip.getEntry(CONFIGURATION);
            if (configuration == null) {
                throw bad(file, "is a zip without " + CONFIGURATION + ": not a DL4J ModelSerializer file");
            }
            ZipEntry coefficients = zip.getEntry(COEFFICIENTS);
            if (coefficients == null && zip.getEntry(NO_PARAMS) == null) {
                throw bad(file, "has no " + COEFFICIENTS + " (the parameters): an incomplete ModelSerializer file");
            }
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String problem;
                try (java.util.zip.CheckedInputStream in = new java.util.zip.CheckedInputStream(
                        zip.getInputStream(entry), new java.util.zip.CRC32())) {
                    long n = in.transferTo(java.io.OutputStream.nullOutputStream());
                    problem = n != entry.getSize() ? n + " bytes where the zip says " + entry.getSize()
                            : entry.getCrc() != -1 && in.getChecksum().getValue() != entry.getCrc()
                            ? "its CRC does not match" : null;
                } catch (IOException ex) {
                    problem = ex.getMessage();
                }
                if (problem != null) {
                    throw bad(file, "has a damaged entry " + entry.getName() + " (" + problem + ")");
                }
            }
            if (coefficients != null) {
                try (InputStream in = zip.getInputStream(coefficients)) {
                    requireArray(file, in.readAllBytes());
                }
            }
            try (InputStream in = zip.getInputStream(configuration)) {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(in.readAllBytes())).toString();
            } catch (CharacterCodingException ex) {
                throw bad(file, "has a " + CONFIGURATION + " that is not UTF-8 text");
            }
        } catch (IOException e) {
            throw bad(file, "is not a readable zip (corrupt or truncated?): " + e.getMessage());
        }
    }

    /**
     * {@code Nd4j.write}'s layout: two buffers, the shape information (longs) and the data, each a header
     * (allocation mode, length, data type) and {@code length} elements.
     */
    private static void requireArray(Path file, byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            long[] shapeInfo = new long[Math.toIntExact(requireLength(file, in, "shape", true).length())];
            for (int i = 0; i < shapeInfo.length; i++) {
                shapeInfo[i] = in.readLong();
            }
            long rank = shapeInfo.length == 0 ? -1 : shapeInfo[0];
            if (rank < 0 || rank > 32 || shapeInfo.length != 2 * rank + 4) {
                throw bad(file, "has parameters with a corrupt shape header (rank " + rank + ")");
            }
            long elements = 1;
            for (int i = 1; i <= rank; i++) {
                if (shapeInfo[i] < 0) {
                    throw bad(file, "has parameters with a negative dimension " + shapeInfo[i]);
                }
                elements = Math.multiplyExact(elements, shapeInfo[i]);
            }
            Header values = requireLength(file, in, "values", false);
            if (values.length() != elements) {
                throw bad(file, "has " + values.length() + " parameter values where its shape holds " + elements);
            }
            in.skipNBytes(values.length() * values.elementBytes());
            if (in.available() != 0) {
                throw bad(file, "has " + in.available() + " bytes after its parameters");
            }
        } catch (EOFException e) {
            throw bad(file, "has truncated parameters (" + COEFFICIENTS + " ends early)");
        } catch (IOException | ArithmeticException e) {
            throw bad(file, "has corrupt parameters (" + COEFFICIENTS + "): " + e.getMessage());
        }
    }

    /** A buffer's element count and element size. */
    private record Header(long length, long elementBytes) {
    }

    /** Reads one buffer header and checks that its elements fit in the bytes left. */
    private static Header requireLength(Path file, DataInputStream in, String what, boolean longs) throws IOException {
        DataBuffer.AllocationMode mode = parse(DataBuffer.AllocationMode.class, in.readUTF(), file, what);
        long length = mode.ordinal() < 3 ? in.readInt() : in.readLong();
        DataType type = parse(DataType.class, in.readUTF(), file, what);
        long size = elementSize(type);
        if (size == 0 || (longs && type != DataType.LONG)) {
            throw bad(file, "stores its parameter " + what + " as " + type + ", which ocs4j does not read");
        }
        if (length < 0 || length > in.available() / size) {
            throw bad(file, "has a parameter " + what + " length " + length + " that the " + in.available()
                    + " bytes left in " + COEFFICIENTS + " cannot hold (truncated or corrupt)");
        }
        return new Header(length, size);
    }

    private static long elementSize(DataType type) {
        return switch (type) {
            case DOUBLE, LONG, UINT64 -> 8;
            case FLOAT, INT, UINT32 -> 4;
            case HALF, BFLOAT16, SHORT, UINT16 -> 2;
            case BYTE, UBYTE, BOOL -> 1;
            default -> 0;
        };
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String name, Path file, String what) {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw bad(file, "has corrupt parameters (" + what + " header names \"" + name + "\")");
        }
    }

    private static IllegalArgumentException bad(Path file, String problem) {
        return new IllegalArgumentException("model file " + file + " " + problem);
    }
}
