package org.ocs4j.pipeline;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocs4j.TestNets;
import org.ocs4j.graph.InputShape;
import org.ocs4j.progress.Progress;
import org.ocs4j.quant.ClipMethod;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

    @Test
    void ocsVariantsThatDuplicateTheSameChannelsShareOneCalibrationAndDifferOnlyByRounding(@TempDir Path dir)
            throws Exception {
        MultiLayerNetwork net = TestNets.mln(6);
        OcsConfig.Builder ocs = OcsConfig.builder().calibrationBatches(3).expandRatio(0.1);
        List<OcsConfig> configs = List.of(ocs.build().toBuilder().expandRatio(0).build(), ocs.weightBits(8).build(),
                ocs.weightBits(4).build(), ocs.weightBits(6).weightClip(ClipMethod.MSE).build(),
                ocs.gridAware(false).build(), ocs.expandRatio(0.3).build());
        Set<String> layouts = new HashSet<>();
        List<Work> shared = new ArrayList<>();
        for (OcsConfig c : configs) {
            Work w = Pipeline.quantization().run(new Work(c, net, data(), null, Progress.NONE)
                    .calibrationCachesIn(dir));
            layouts.add(w.plan == null ? "" : w.plan.duplicatedChannels());
            shared.add(w);
        }
        long files = Files.list(dir).count();
        System.out.printf("%d configurations, %d activation layouts, %d calibration files%n", configs.size(),
                layouts.size(), files);
        assertEquals(layouts.size(), files, "one calibration file per set of duplicated channels");
        assertTrue(layouts.size() < configs.size() - 1, "some OCS variants share their duplicated channels");

        // Each variant calibrated on its own widened model: the same α up to float32 rounding of the split weights.
        double worst = 0;
        for (int i = 0; i < configs.size(); i++) {
            Work own = Pipeline.quantization().run(new Work(configs.get(i), net, data(), null, Progress.NONE));
            for (int l = 0; l < own.layers().size(); l++) {
                double a = own.layers().get(l).activationAlpha();
                double b = shared.get(i).layers().get(l).activationAlpha();
                worst = Math.max(worst, Math.abs(a - b) / a);
            }
        }
        System.out.printf("shared vs own calibration: largest relative α difference %.3g (tolerance 1e-6)%n", worst);
        assertTrue(worst <= 1e-6, "α differs by " + worst);
    }

    @Test
    void aCacheMadeForOneClipMethodIsRefusedForAMethodItHoldsNothingFor(@TempDir Path dir) {
        MultiLayerNetwork net = TestNets.mln(6);
        Path cache = dir.resolve("calibration.json");
        OcsConfig none = OcsConfig.builder().calibrationBatches(3).build();
        Pipeline.quantization().run(new Work(none, net, data(), cache, Progress.NONE));
        Work mse = Pipeline.quantization().run(new Work(none.toBuilder().activationClip(ClipMethod.MSE).build(), net,
                data(), cache, Progress.NONE));
        assertTrue(mse.calibrationUsed().contains("statistics read from"), "MSE needs only the MSE histogram");
        IllegalArgumentException kl = assertThrows(IllegalArgumentException.class, () -> Pipeline.quantization().run(
                new Work(none.toBuilder().activationClip(ClipMethod.KL).build(), net, data(), cache, Progress.NONE)));
        assertTrue(kl.getMessage().contains("holds no statistics for KL") && kl.getMessage().contains(cache.toString()),
                kl.getMessage());
    }

    private static CalibrationData data() {
        return new CalibrationData(QuantizationPipelineTest.calibration(SHAPE, 4, 1), "set A");
    }
}
