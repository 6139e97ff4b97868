package org.ocs4j.quant;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-worked integer codes of the fixed-point grid. */
class FixedPointGridTest {

    private static double[] v(INDArray a) {
        return a.toDoubleVector();
    }

    @Test
    void codeRanges() {
        assertEquals(-128, FixedPointGrid.signed(8).minCode());
        assertEquals(127, FixedPointGrid.signed(8).maxCode());
        assertEquals(0, FixedPointGrid.unsigned(8).minCode());
        assertEquals(255, FixedPointGrid.unsigned(8).maxCode());
        assertEquals(-2, FixedPointGrid.signed(2).minCode());
        assertEquals(1, FixedPointGrid.signed(2).maxCode());
        assertEquals(32767, FixedPointGrid.signed(16).maxCode());
    }

    @Test
    void signedCodesWithTiesToEvenAndClamping() {
        // 4 bits, α = 7 → s = 1: codes are rint(x) clamped to [-8, 7]. Ties go to the even neighbour.
        FixedPointGrid g = FixedPointGrid.signed(4);
        INDArray x = Nd4j.createFromArray(-9.0, -8.5, -7.5, -2.5, -0.5, 0.5, 1.5, 2.5, 6.4, 7.6, 100.0);
        assertArrayEquals(new double[] {-8, -8, -8, -2, -0.0, 0, 2, 2, 6, 7, 7}, v(g.quantize(x, 7.0)), 0.0);
        assertArrayEquals(new double[] {-9.0, -8.5, -7.5, -2.5, -0.5, 0.5, 1.5, 2.5, 6.4, 7.6, 100.0}, v(x), 0.0,
                "the input is not modified");
    }

    @Test
    void scaleAndDequantization() {
        // 8 bits, α = 2 → s = 127/2 = 63.5; x = 1 → rint(63.5) = 64 (tie to even) → 64/63.5.
        FixedPointGrid g = FixedPointGrid.signed(8);
        assertEquals(63.5, g.scale(2.0), 0.0);
        INDArray x = Nd4j.createFromArray(1.0, -2.0, 3.0);
        assertArrayEquals(new double[] {64, -127, 127}, v(g.quantize(x, 2.0)), 0.0);
        assertArrayEquals(new double[] {64 / 63.5, -2.0, 2.0}, v(g.fakeQuantize(x, 2.0)), 1e-15);
    }

    @Test
    void unsignedGridClampsNegativesToZero() {
        // 3 bits unsigned, α = 7 → s = 1, codes [0, 7].
        FixedPointGrid g = FixedPointGrid.unsigned(3);
        INDArray x = Nd4j.createFromArray(-1.0, 0.4, 3.5, 4.5, 9.0);
        assertArrayEquals(new double[] {0, 0, 4, 4, 7}, v(g.quantize(x, 7.0)), 0.0);
    }

    @Test
    void perChannelScales() {
        // Rows are channels (axis 0): α = 1 and α = 10 at 8 bits → s = 127 and 12.7.
        FixedPointGrid g = FixedPointGrid.signed(8);
        INDArray x = Nd4j.createFromArray(new double[][] {{0.5, -1.0}, {5.0, -20.0}});
        INDArray q = g.quantizePerChannel(x, 0, new double[] {1.0, 10.0});
        assertArrayEquals(new double[] {64, -127, 64, -128}, v(q.reshape(4)), 0.0);
        INDArray f = g.fakeQuantizePerChannel(x, 0, new double[] {1.0, 10.0});
        assertArrayEquals(new double[] {64 / 127.0, -1.0, 64 / 12.7, -128 / 12.7}, v(f.reshape(4)), 1e-12);
        // Along axis 1 instead: columns are channels.
        INDArray qc = g.quantizePerChannel(x, 1, new double[] {10.0, 1.0});
        assertArrayEquals(new double[] {6, -127, 64, -128}, v(qc.reshape(4)), 0.0);
    }

    @Test
    void floatArraysStayFloat() {
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, 4);
        INDArray f = FixedPointGrid.signed(6).fakeQuantize(x, 1.0);
        assertEquals(DataType.FLOAT, f.dataType());
        assertTrue(f.sub(x).amaxNumber().doubleValue() > 0, "quantization changes values");
    }

    @Test
    void badBitsAndClipValuesNameTheValue() {
        for (int bits : new int[] {1, 17, 0, 32}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FixedPointGrid.signed(bits));
            assertTrue(e.getMessage().contains("bit width " + bits), e.getMessage());
        }
        for (double a : new double[] {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FixedPointGrid.signed(8).scale(a));
            assertTrue(e.getMessage().contains(String.valueOf(a)), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
                () -> FixedPointGrid.signed(8).quantizePerChannel(Nd4j.ones(2, 3), 0, new double[] {1.0}));
    }
}
