package org.ocs4j.pipeline;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocs4j.TestNets;
import org.ocs4j.graph.InputShape;
import org.ocs4j.progress.Progress;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A calibration cache records what made it, and a run that asks for other calibration is refused, named. */
class CalibrationCacheTest {

    private static final InputShape SHAPE = InputShape.of(3, 12, 12);

    private static Work run(MultiLayerNetwork net, int batches, CalibrationData data, Path cache) {
        OcsConfig c = OcsConfig.builder().calibrationBatches(batches).build();
        return Pipeline.quantization().run(new Work(c, net, data, cache, Progress.NONE));
    }

    @Test
    void aCacheMadeFromOtherDataOrBatchesIsRefusedAndReportsWhatMadeIt(@TempDir Path dir) {
        MultiLayerNetwork net = TestNets.mln(6);
        Path cache = dir.resolve("calibration.json");
        Work first = run(net, 3, new CalibrationData(QuantizationPipelineTest.calibration(SHAPE, 4, 1),
                "set A, batches of 8"), cache);
        assertTrue(Files.exists(cache));
        assertEquals("set A, batches of 8; 3 batches (24 examples) per pass", first.calibrationUsed());

        IllegalArgumentException otherData = assertThrows(IllegalArgumentException.class, () -> run(net, 3,
                new CalibrationData(QuantizationPipelineTest.calibration(SHAPE, 4, 1), "set B, batches of 8"), cache));
        assertTrue(otherData.getMessage().contains("set A, batches of 8") && otherData.getMessage().contains("set B"),
                otherData.getMessage());
        IllegalArgumentException otherBatches = assertThrows(IllegalArgumentException.class, () -> run(net, 1,
                new CalibrationData(QuantizationPipelineTest.calibration(SHAPE, 4, 1), "set A, batches of 8"), cache));
        assertTrue(otherBatches.getMessage().contains("3 batches") && otherBatches.getMessage().contains("asks for 1"),
                otherBatches.getMessage());

        // no calibration data at all: the cache serves, and the report says what made it
        Work cached = run(net, 3, null, cache);
        assertTrue(cached.calibrationUsed().startsWith("set A, batches of 8; 3 batches (24 examples) per pass"
                + " (statistics read from"), cached.calibrationUsed());
        for (int i = 0; i < first.layers().size(); i++) {
            assertEquals(first.layers().get(i).activationAlpha(), cached.layers().get(i).activationAlpha(), 0.0);
        }
    }

    @Test
    void aCacheThatDoesNotSayWhatMadeItIsRefused(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = TestNets.mln(6);
        Path cache = dir.resolve("calibration.json");
        run(net, 2, new CalibrationData(QuantizationPipelineTest.calibration(SHAPE, 2, 1), "set A"), cache);
        Files.writeString(cache, Files.readString(cache).replaceAll("\"data\"\\s*:\\s*\"[^\"]*\",", ""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(net, 2, null, cache));
        assertTrue(e.getMessage().contains("does not record which data made it"), e.getMessage());
    }
}
