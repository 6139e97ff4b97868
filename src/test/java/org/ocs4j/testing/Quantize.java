package org.ocs4j.testing;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ocs4j.pipeline.CalibrationData;
import org.ocs4j.pipeline.OcsConfig;
import org.ocs4j.pipeline.Pipeline;
import org.ocs4j.pipeline.Work;
import org.ocs4j.progress.Progress;
import org.ocs4j.quant.QuantizedLayer;
import org.ocs4j.rewrite.WidenReport;

import java.nio.file.Path;
import java.util.List;

/** Runs the quantization pipeline in tests: a configuration builder in, the model and its reports out. */
public final class Quantize {

    private Quantize() {
    }

    /** What a run produced. */
    public record Result(Model model, List<QuantizedLayer> layers, WidenReport widen) {
    }

    /** @return a configuration builder for W{@code w}A{@code a} (0 = FP32 activations), everything else default */
    public static OcsConfig.Builder bits(int w, int a) {
        return OcsConfig.builder().weightBits(w).activationBits(a);
    }

    /** Runs {@link Pipeline#quantization()} without a calibration cache. */
    public static Result run(Model model, OcsConfig.Builder config, DataSetIterator calibration) {
        return run(model, config, calibration, null);
    }

    /** Runs {@link Pipeline#quantization()}. */
    public static Result run(Model model, OcsConfig.Builder config, DataSetIterator calibration, Path cache) {
        Work w = Pipeline.quantization().run(new Work(config.build(), model,
                calibration == null ? null : new CalibrationData(calibration, "test batches"), cache, Progress.NONE));
        return new Result(w.model(), w.layers(), w.widening());
    }
}
