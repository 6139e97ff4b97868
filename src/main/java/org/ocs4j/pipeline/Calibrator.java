package org.ocs4j.pipeline;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.exec.FastInference;
import org.ocs4j.progress.Progress;
import org.ocs4j.quant.ClipMethod;
import org.ocs4j.quant.TensorStatistics;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The one loop over calibration batches: runs a model on the fast executor ({@link FastInference#observe}) and hands
 * the outputs of chosen nodes, as each is produced, to whatever measures them — the two-pass statistics of activation
 * quantization ({@link #statistics}) and the per-channel maxima of activation OCS ({@link #channelMaxima}). The
 * iterator is reset before every pass; at most {@code batches} batches are read per pass.
 */
public final class Calibrator {

    private final DataSetIterator data;
    private final int batches;
    private final Progress progress;
    private int batchesSeen;
    private long examplesSeen;

    /**
     * @param data     calibration batches (features only are used); must support {@code reset()} for two passes
     * @param batches  batches per pass, ≥ 1 (validated by {@link OcsConfig})
     * @param progress told of every pass
     */
    public Calibrator(DataSetIterator data, int batches, Progress progress) {
        if (data == null) {
            throw new IllegalArgumentException("calibration needs data: give calibration batches (calibrateOn(...))"
                    + " or keep activations in FP32 (activationBits(0))");
        }
        this.data = data;
        this.batches = batches;
        this.progress = progress;
    }

    /**
     * Two passes (ranges, then histograms) over the outputs of {@code nodes}.
     *
     * @param methods the clip methods the statistics must serve (their histograms only are filled)
     * @return node name → statistics of its output, in the order given
     */
    public Map<String, TensorStatistics> statistics(Model model, Collection<String> nodes, Set<ClipMethod> methods) {
        if (!data.resetSupported()) {
            throw new IllegalArgumentException("calibration needs two passes, but the iterator "
                    + data.getClass().getSimpleName() + " cannot reset");
        }
        Map<String, TensorStatistics> stats = new LinkedHashMap<>();
        for (String n : nodes) {
            stats.computeIfAbsent(n, k -> new TensorStatistics(TensorStatistics.DEFAULT_KL_BINS, methods));
        }
        pass(model, "calibrating ranges", (name, a) -> {
            TensorStatistics s = stats.get(name);
            if (s == null) return;
            try {
                s.observeRange(a);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the output of node \"" + name + "\" holds NaN or infinite values"
                        + " on the calibration data (" + e.getMessage() + "): check the calibration data for NaN", e);
            }
        });
        pass(model, "calibrating histograms", (name, a) -> {
            TensorStatistics s = stats.get(name);
            if (s != null) s.observeDistribution(a);
        });
        return stats;
    }

    /**
     * One pass: per node, the max|a| of every channel of its output.
     *
     * @param reduceAxes node name → the axes to reduce (all but the channel axis of that node's output)
     * @return node name → max|a| per channel
     * @throws IllegalArgumentException naming the node when an output holds NaN or infinite values
     */
    public Map<String, double[]> channelMaxima(Model model, Map<String, Function<INDArray, int[]>> reduceAxes) {
        Map<String, double[]> maxima = new LinkedHashMap<>();
        pass(model, "measuring channel ranges", (name, a) -> {
            Function<INDArray, int[]> axes = reduceAxes.get(name);
            if (axes == null) return;
            double[] m = a.amax(axes.apply(a)).toDoubleVector();
            for (double v : m) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("the output of node \"" + name + "\" holds NaN or infinite"
                            + " values on the calibration data");
                }
            }
            maxima.merge(name, m, (x, y) -> {
                double[] r = x.clone();
                for (int i = 0; i < r.length; i++) r[i] = Math.max(r[i], y[i]);
                return r;
            });
        });
        return maxima;
    }

    /**
     * One pass: the mean of each node's output over the examples (the batch axis), every other axis kept.
     *
     * @return node name → mean output of shape {@code [1, ...]}, in double precision
     */
    public Map<String, INDArray> means(Model model, Collection<String> nodes) {
        Map<String, INDArray> sums = new LinkedHashMap<>();
        pass(model, "measuring input means", (name, a) -> {
            if (nodes.contains(name)) {
                INDArray s = a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sum(true, 0);
                sums.merge(name, s, INDArray::addi);
            }
        });
        sums.replaceAll((k, v) -> v.divi(examplesSeen));
        return sums;
    }

    /** @return what the last pass read: {@code "N batches (E examples) per pass"} */
    public String used() {
        return batchesSeen + " batches (" + examplesSeen + " examples) per pass";
    }

    private void pass(Model model, String task, BiConsumer<String, INDArray> observer) {
        if (data.resetSupported()) {
            data.reset();
        }
        progress.start(task, batches);
        int seen = 0;
        long examples = 0;
        while (data.hasNext() && seen < batches) {
            DataSet batch = data.next();
            examples += batch.getFeatures().size(0);
            FastInference.observe(model, batch.getFeatures(), observer);
            // ND4J's CPU backend frees an array's off-heap buffer only when the Java GC collects it, and the Java
            // heap stays small, so the GC seldom runs: the activations of every batch (1.5 GB of softmax per batch
            // for a WikiText-2 model) piled up until JavaCPP's physical-memory limit stopped a sweep. Collect them.
            Nd4j.getMemoryManager().invokeGc();
            seen++;
            progress.step();
        }
        progress.finish();
        batchesSeen = seen;
        examplesSeen = examples;
        if (seen == 0) {
            throw new IllegalArgumentException("the calibration data is empty: no batch to calibrate on");
        }
    }
}
