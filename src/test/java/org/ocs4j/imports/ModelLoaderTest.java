package org.ocs4j.imports;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.train.ReferenceModels;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DL4J zips stored in 16 bits load as float32 networks holding the 16-bit values. */
class ModelLoaderTest {

    @TempDir
    Path dir;

    @Test
    void aNetworkStoredInHalfPrecisionLoadsInFloat32() throws Exception {
        MultiLayerNetwork lm = ReferenceModels.lstmLanguageModel(300, 16, 16, 3);
        Path full = dir.resolve("lm32.zip");
        Path half = dir.resolve("lm16.zip");
        ModelFiles.save(lm, full, null);
        ModelFiles.save(lm.convertDataType(DataType.HALF), half, null);
        Model loaded = ModelLoader.load(half);
        INDArray params = ((MultiLayerNetwork) loaded).params();
        assertEquals(DataType.FLOAT, params.dataType(), "converted back to float32 on load");
        INDArray rounded = lm.params().castTo(DataType.HALF).castTo(DataType.FLOAT);
        assertEquals(rounded, params, "the stored values are the float32 weights rounded to half precision");
        double relative = params.sub(lm.params()).norm2Number().doubleValue() / lm.params().norm2Number().doubleValue();
        System.out.printf("half storage: %,d → %,d bytes, weights within %.2g relative%n", Files.size(full),
                Files.size(half), relative);
        assertTrue(relative < 1e-3, "half precision keeps ~3 decimal digits: " + relative);
        assertTrue(Files.size(half) < 0.6 * Files.size(full), "about half the file");
    }
}
