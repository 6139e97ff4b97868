package org.ocs4j.quant;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Networks;
import org.ocs4j.graph.Node;
import org.ocs4j.progress.Progress;
import org.ocs4j.rewrite.LayerPolicy;
import org.ocs4j.rewrite.ModelWidener;
import org.ocs4j.rewrite.WidenSettings;
import org.ocs4j.split.SplitOptions;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Activation OCS (OCS-SPEC §3) from calibration data: measures every selected layer's per-channel max|a| over
 * calibration batches and splits the largest channels ({@link ModelWidener#splitActivations}). The result computes
 * the same FP32 function; quantize it with {@link ModelQuantizer} afterwards. The paper finds activation OCS alone
 * loses to clipping (outlier channels move from input to input): combine it with an activation clip method.
 */
public final class ActivationOcs {

    private ActivationOcs() {
    }

    /**
     * @param model       an MLN or CG (single input), not modified
     * @param expandRatio fraction of input channels to split per layer, in [0, 1]
     * @param policy      which layers' inputs are split
     * @param calibration batches whose activations are measured (reset first when possible)
     * @param batches     how many batches
     */
    public static ModelWidener.Widened apply(Model model, double expandRatio, LayerPolicy policy,
                                             DataSetIterator calibration, int batches, Progress progress) {
        WidenSettings settings = new WidenSettings(expandRatio, SplitOptions.PLAIN, 0, policy);
        NetworkGraph graph = NetworkGraph.of(model);
        Map<String, double[]> maxima = channelMaxima(model, graph, graph.nodes().stream()
                .filter(n -> n.kind().hasSplittableWeights()).toList(), calibration, batches);
        return ModelWidener.splitActivations(model, settings, maxima, progress);
    }

    /** Per layer, the max|a| of each channel of its input over the calibration batches. */
    static Map<String, double[]> channelMaxima(Model model, NetworkGraph graph, List<Node> layers,
                                               DataSetIterator data, int batches) {
        if (data == null) {
            throw new IllegalArgumentException("activation OCS needs calibration data; none was given");
        }
        if (data.resetSupported()) {
            data.reset();
        }
        Map<String, double[]> byInput = new LinkedHashMap<>();
        int seen = 0;
        while (data.hasNext() && seen < batches) {
            DataSet batch = data.next();
            Map<String, INDArray> acts = Networks.activations(model, batch.getFeatures(), false);
            for (Node n : layers) {
                String input = n.inputs().get(0);
                INDArray a = acts.get(input);
                boolean channelsLast = n.layer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer c
                        && c.getCnn2dDataFormat() == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC;
                int[] dims = a.rank() == 2 ? new int[] {0} : a.rank() == 3 ? new int[] {0, 2}
                        : channelsLast ? new int[] {0, 1, 2} : new int[] {0, 2, 3};
                double[] m = a.amax(dims).toDoubleVector();
                for (double v : m) {
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException("the activations entering " + n.describe()
                                + " contain NaN or infinite values");
                    }
                }
                byInput.merge(input, m, (x, y) -> {
                    double[] r = x.clone();
                    for (int i = 0; i < r.length; i++) r[i] = Math.max(r[i], y[i]);
                    return r;
                });
            }
            seen++;
        }
        if (seen == 0) {
            throw new IllegalArgumentException("the calibration iterator is empty: no batch to measure");
        }
        Map<String, double[]> byLayer = new HashMap<>();
        for (Node n : layers) {
            byLayer.put(n.name(), byInput.get(n.inputs().get(0)));
        }
        return byLayer;
    }
}
