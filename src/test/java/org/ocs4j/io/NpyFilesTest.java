package org.ocs4j.io;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The .npy reader refuses every malformed file with what is wrong, and reads well-formed ones exactly. */
class NpyFilesTest {

    /** A version-1 .npy of {@code values} with the given descr and shape text, padded like numpy pads it. */
    static byte[] npy(String descr, String order, String shape, byte[] payload) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': (" + shape + "), }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        b.put(payload);
        return b.array();
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    static final byte[] GOOD = npy("<f4", "False", "2, 3", floats(1, 2, 3, 4, 5, 6));

    @Test
    void aWellFormedFileIsReadExactlyAndOurOwnFilesRoundTrip(@TempDir Path dir) throws Exception {
        INDArray a = NpyFiles.parse(Path.of("good.npy"), GOOD);
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.reshape(6).toFloatVector(), 0f);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 4, 5);
        Path f = dir.resolve("x.npy");
        NpyFiles.write(x, f);
        assertEquals(x, NpyFiles.readFloating(f));
    }

    @Test
    void everyKnownFaultIsNamed() {
        check(new byte[] {1, 2, 3}, "magic");
        check(Arrays.copyOf(GOOD, 40), "truncated");
        check(Arrays.copyOf(GOOD, GOOD.length - 4), "needs exactly 24");
        check(Arrays.copyOf(GOOD, GOOD.length + 4), "trailing");
        check(npy(">f4", "False", "2, 3", floats(1, 2, 3, 4, 5, 6)), "big-endian");
        check(npy("|O", "False", "2,", new byte[16]), "dtype |O");
        check(npy("<i8", "False", "2,", new byte[16]), "dtype <i8");
        check(npy("<f4", "True", "2, 3", floats(1, 2, 3, 4, 5, 6)), "Fortran");
        check(npy("<f4", "False", "2, -3", floats(1, 2, 3, 4, 5, 6)), "malformed shape");
        byte[] v9 = GOOD.clone();
        v9[6] = 9;
        check(v9, "version 9");
    }

    private static void check(byte[] bytes, String phrase) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyFiles.parse(Path.of("bad.npy"), bytes), phrase);
        assertTrue(e.getMessage().contains(phrase) && e.getMessage().contains("bad.npy"), e.getMessage());
    }

    /** Any truncation is refused, and never with another exception than a named refusal. */
    @Property(tries = 200, seed = "42")
    void truncatedFilesAreAlwaysRefused(@ForAll @IntRange(min = 0, max = 87) int length) {
        byte[] cut = Arrays.copyOf(GOOD, Math.min(length, GOOD.length - 1));
        assertThrows(IllegalArgumentException.class, () -> NpyFiles.parse(Path.of("cut.npy"), cut));
    }

    /** A mutated byte gives a named refusal or an array of the declared shape — never garbage of another size. */
    @Property(tries = 300, seed = "7")
    void mutatedFilesAreRefusedOrReadWhole(@ForAll @IntRange(min = 0, max = 87) int at,
                                           @ForAll @IntRange(min = 0, max = 255) int value) {
        byte[] m = GOOD.clone();
        m[at % m.length] = (byte) value;
        try {
            INDArray a = NpyFiles.parse(Path.of("mutated.npy"), m);
            assertEquals(6, a.length(), "a result holds exactly the declared values");
        } catch (IllegalArgumentException refused) {
            assertTrue(refused.getMessage().contains("mutated.npy"), refused.getMessage());
        }
    }
}
