package org.ocs4j.exec;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReusedRowsTest {

    @Test
    void refusesEmptyShapesAndAFlatViewBeforeTheFirstRows() {
        assertThrows(IllegalArgumentException.class, () -> new ReusedRows(0, DataType.FLOAT));
        ReusedRows r = new ReusedRows(3, DataType.FLOAT);
        assertThrows(IllegalArgumentException.class, () -> r.rows(0));
        assertThrows(IllegalStateException.class, r::flat);
    }

    @Test
    void fewerRowsAreAViewOfTheSameMemoryAndMoreRowsGrowIt() {
        ReusedRows r = new ReusedRows(3, DataType.FLOAT);
        INDArray four = r.rows(4);
        assertArrayEquals(new long[]{4, 3}, four.shape());
        four.assign(Nd4j.linspace(DataType.FLOAT, 0, 12, 1).reshape(4, 3));
        INDArray two = r.rows(2);
        assertArrayEquals(new long[]{2, 3}, two.shape());
        assertEquals(Nd4j.linspace(DataType.FLOAT, 0, 6, 1).reshape(2, 3), two); // the same memory, not a copy
        two.putScalar(1, 2, -1f);
        assertEquals(-1f, r.flat().getFloat(5), 0f); // row·columns + column of the whole array
        assertEquals(12, r.flat().length());
        INDArray five = r.rows(5);
        assertArrayEquals(new long[]{5, 3}, five.shape());
        assertEquals(15, r.flat().length());
        assertTrue(r.fits(3, DataType.FLOAT));
        assertFalse(r.fits(4, DataType.FLOAT));
        assertFalse(r.fits(3, DataType.DOUBLE));
    }
}
