package org.ocs4j.pipeline;

import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.quant.CalibrationCache;
import org.ocs4j.quant.ClipMethod;
import org.ocs4j.quant.FakeQuantActivation;
import org.ocs4j.quant.FixedPointGrid;
import org.ocs4j.quant.QuantizedLayer;
import org.ocs4j.quant.Sqnr;
import org.ocs4j.quant.TensorStatistics;
import org.ocs4j.rewrite.QuantizerInsertion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gives every activation quantizer its static clip value: statistics of each quantized layer's input on the FP32
 * model (two passes over the calibration batches, through the fast executor, filling only the histograms the
 * activation clip method needs — or read from a calibration cache made for the same activations), an unsigned grid
 * where the input is never negative, and α by the activation clip method. Writes the cache when one is named and
 * does not exist yet.
 */
final class Calibrate implements Stage {

    @Override
    public String name() {
        return "calibrate";
    }

    @Override
    public void run(Work work) {
        if (work.quantizers.isEmpty()) {
            return;
        }
        NetworkGraph graph = NetworkGraph.of(work.fp32);
        Map<String, String> inputOf = new LinkedHashMap<>();
        work.quantizers.keySet().forEach(layer -> inputOf.put(layer, graph.node(layer).inputs().get(0)));
        Map<String, TensorStatistics> stats = statistics(work, graph, inputOf);
        OcsConfig c = work.config;
        for (Map.Entry<String, String> e : work.quantizers.entrySet()) {
            TensorStatistics s = stats.get(inputOf.get(e.getKey()));
            boolean unsigned = !c.referenceCompatible() && s.min() >= 0;
            FixedPointGrid grid = new FixedPointGrid(c.activationBits(), !unsigned);
            double alpha = s.maxAbs() == 0 ? 1.0 : c.activationClip().estimate(s, grid.bits()).alpha();
            QuantizerInsertion.setQuantizer(work.model, e.getValue(), new FakeQuantActivation(grid, alpha));
            QuantizedLayer l = work.layers.get(e.getKey());
            work.layers.put(e.getKey(), l.withActivation(alpha, grid, Sqnr.onHistogram(s, grid, alpha)));
        }
    }

    private static Map<String, TensorStatistics> statistics(Work work, NetworkGraph graph,
                                                            Map<String, String> inputOf) {
        String fingerprint = CalibrationCache.fingerprint(work.unwidened,
                work.plan == null ? "" : work.plan.duplicatedChannels());
        Path file = work.calibrationCacheFile(fingerprint);
        ClipMethod method = work.config.activationClip().method();
        if (file != null && Files.exists(file)) {
            return cached(work, graph, inputOf, file, fingerprint, method);
        }
        Calibrator calibrator = work.calibrator("activation quantization",
                ", a calibration cache, or keep activations in FP32 (activation bits 0)");
        Map<String, TensorStatistics> stats = calibrator.statistics(work.fp32, inputOf.values(), EnumSet.of(method));
        work.calibrationUsed = work.calibrationData.description() + "; " + calibrator.used();
        if (file != null) {
            Map<String, TensorStatistics.Snapshot> snapshots = new LinkedHashMap<>();
            stats.forEach((k, v) -> snapshots.put(k, v.snapshot()));
            try {
                new CalibrationCache(fingerprint, work.calibrationData.description(),
                        work.config.calibrationBatches(), calibrator.used(), snapshots).save(file);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write calibration file " + file, e);
            }
        }
        return stats;
    }

    private static Map<String, TensorStatistics> cached(Work work, NetworkGraph graph, Map<String, String> inputOf,
                                                        Path file, String fingerprint, ClipMethod method) {
        CalibrationCache cache = CalibrationCache.load(file, fingerprint);
        if (work.calibrationData != null) {
            cache.requireMadeFrom(file, work.calibrationData.description(), work.config.calibrationBatches());
        }
        Map<String, TensorStatistics> cached = cache.statistics();
        for (Map.Entry<String, String> e : inputOf.entrySet()) {
            TensorStatistics s = cached.get(e.getValue());
            if (s == null) {
                throw new IllegalArgumentException("calibration file " + file + " has no statistics for the input"
                        + " of " + graph.node(e.getKey()).describe() + " (made with another layer policy?)");
            }
            if (!s.serves(method)) {
                throw new IllegalArgumentException("calibration file " + file + " was made for another activation"
                        + " clip method and holds no statistics for " + method + ": delete it, or choose the clip"
                        + " method that made it");
            }
        }
        work.calibrationUsed = cache.data() + "; " + cache.used() + " (statistics read from " + file + ")";
        return cached;
    }
}
