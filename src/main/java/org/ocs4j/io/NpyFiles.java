package org.ocs4j.io;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * numpy {@code .npy} files in and out, so researchers can compare ocs4j with their Python tools. The reader trusts
 * nothing it has not checked: magic, format version, header, dtype and byte order, memory order, shape, and that the
 * payload holds exactly the values the shape promises — a truncated, padded or foreign file is refused with what is
 * wrong, never read as garbage.
 */
public final class NpyFiles {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFiles() {
    }

    /**
     * Reads a little-endian float32 ({@code <f4}) or float64 ({@code <f8}) array in C order.
     *
     * @throws IllegalArgumentException naming the file and the problem when it is missing, not a regular file,
     *                                  malformed, truncated or padded, or of another dtype, byte order or memory order
     */
    public static INDArray readFloating(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(".npy file " + file + " does not exist (or is not a regular file)");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(".npy file " + file + " cannot be read: " + e.getMessage(), e);
        }
        return parse(file, bytes);
    }

    static INDArray parse(Path file, byte[] bytes) {
        String where = ".npy file " + file;
        if (bytes.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new IllegalArgumentException(where + " does not start with the .npy magic bytes: not a NumPy array"
                    + " file");
        }
        int major = bytes[6] & 0xff;
        int headerStart = headerStart(where, major, bytes.length);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1 ? in.getShort(8) & 0xffff : in.getInt(8) & 0xffffffffL;
        if (headerStart + headerLength > bytes.length) {
            throw new IllegalArgumentException(where + " is truncated: its header says " + headerLength
                    + " bytes but the file ends first");
        }
        String header = new String(bytes, headerStart, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int itemSize = itemSize(where, match(where, DESCR, header, "dtype ('descr')"));
        if (match(where, ORDER, header, "'fortran_order'").equals("True")) {
            throw new IllegalArgumentException(where + " is in Fortran (column-major) order; save it with"
                    + " np.ascontiguousarray(x) first");
        }
        long[] shape = shape(where, match(where, SHAPE, header, "'shape'"));
        long count = 1;
        try {
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
            Math.multiplyExact(count, itemSize);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(where + " declares an impossible shape " + java.util.Arrays.toString(shape));
        }
        long payload = bytes.length - headerStart - headerLength;
        if (payload != count * itemSize) {
            throw new IllegalArgumentException(where + " holds " + payload + " bytes of data, but its shape "
                    + java.util.Arrays.toString(shape) + " needs exactly " + count * itemSize
                    + (payload < count * itemSize ? " (truncated?)" : " (trailing bytes?)"));
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) (headerStart + headerLength), (int) payload)
                .slice().order(ByteOrder.LITTLE_ENDIAN);
        long[] nd4jShape = shape.length == 0 ? new long[] {1} : shape;
        if (itemSize == 4) {
            float[] v = new float[(int) count];
            data.asFloatBuffer().get(v);
            return Nd4j.create(v, nd4jShape, 'c');
        }
        double[] v = new double[(int) count];
        data.asDoubleBuffer().get(v);
        return Nd4j.create(v, nd4jShape, 'c');
    }

    /** @return where the header text starts for format version {@code major} */
    private static int headerStart(String where, int major, int length) {
        if (major != 1 && major != 2 && major != 3) {
            throw new IllegalArgumentException(where + " has .npy format version " + major + "; ocs4j reads 1, 2 and 3");
        }
        int start = major == 1 ? 10 : 12;
        if (length < start) {
            throw new IllegalArgumentException(where + " is truncated inside its header");
        }
        return start;
    }

    private static String match(String where, Pattern p, String header, String what) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException(where + " has a malformed header: no " + what + " in " + header.trim());
        }
        return m.group(1).trim();
    }

    private static int itemSize(String where, String descr) {
        return switch (descr) {
            case "<f4" -> 4;
            case "<f8" -> 8;
            case ">f4", ">f8" -> throw new IllegalArgumentException(where + " is big-endian (" + descr + "); save it"
                    + " little-endian, e.g. x.astype('<f4')");
            default -> throw new IllegalArgumentException(where + " holds dtype " + descr + "; ocs4j reads float32"
                    + " ('<f4') or float64 ('<f8') arrays");
        };
    }

    private static long[] shape(String where, String text) {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) continue;
            try {
                long d = Long.parseLong(part.trim());
                if (d < 0) throw new NumberFormatException();
                dims.add(d);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + " has a malformed shape (" + text + ")");
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** Writes an array atomically (temporary file, then move). */
    public static void write(INDArray array, Path out) throws IOException {
        ModelFiles.writeAtomically(out, tmp -> Nd4j.writeAsNumpy(array, tmp.toFile()));
    }
}
