package org.ocs4j.pipeline;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.exec.FastInference;

import java.util.HashMap;
import java.util.Map;

/**
 * Measures, for every quantized layer, how far its output in the quantized model is from the FP32 model's on the
 * first calibration examples — {@code Σ(y − y_fp32)² / Σ y_fp32²}, the errors of every layer up to it (what AIMET's
 * QuantAnalyzer and PyTorch's Numeric Suite show per layer), so that a user sees where the error enters. Both models
 * run on the fast executor. Runs when calibration data was given; otherwise the layers' output errors stay NaN.
 */
final class MeasureOutputErrors implements Stage {

    /** Examples the errors are measured on (the first calibration examples). */
    static final int EXAMPLES = 8;

    @Override
    public String name() {
        return "measure output errors";
    }

    @Override
    public void run(Work work) {
        if (work.calibrationData == null || work.layers.isEmpty()) {
            return;
        }
        INDArray x = CheckRewrite.firstExamples(work.calibrationData.batches(), EXAMPLES);
        Map<String, INDArray> reference = new HashMap<>();
        FastInference.observe(work.fp32, x, (node, a) -> {
            if (work.layers.containsKey(node)) {
                reference.put(node, a.dup());
            }
        });
        Map<String, String> original = new HashMap<>();
        work.layers.keySet().forEach(n -> original.put(work.renamed.getOrDefault(n, n), n));
        FastInference.observe(work.model, x, (node, a) -> {
            String n = original.get(node);
            INDArray want = n == null ? null : reference.get(n);
            if (want != null && java.util.Arrays.equals(want.shape(), a.shape())) {
                double noise = a.sub(want).norm2Number().doubleValue();
                double signal = want.norm2Number().doubleValue();
                work.layers.put(n, work.layers.get(n).withOutputError(signal == 0 ? Double.NaN
                        : noise * noise / (signal * signal)));
            }
        });
        org.nd4j.linalg.factory.Nd4j.getMemoryManager().invokeGc(); // the two forwards' off-heap arrays (see Calibrator)
    }
}
