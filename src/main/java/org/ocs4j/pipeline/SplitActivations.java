package org.ocs4j.pipeline;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Node;
import org.ocs4j.rewrite.ModelWidener;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Activation OCS: measures the per-channel max|a| entering every layer with splittable weights on the calibration
 * data and splits the largest channels ({@link ModelWidener#splitActivations}); the FP32 function is unchanged.
 * Runs only when the activation expand ratio is above 0. The paper finds activation OCS alone loses to clipping
 * (outlier channels move from input to input): combine it with an activation clip method.
 */
final class SplitActivations implements Stage {

    @Override
    public String name() {
        return "activation OCS";
    }

    @Override
    public void run(Work work) {
        if (work.config.activationExpandRatio() == 0) {
            return;
        }
        NetworkGraph graph = NetworkGraph.of(work.model);
        List<Node> layers = graph.nodes().stream().filter(n -> n.kind().hasSplittableWeights()).toList();
        Map<String, Function<INDArray, int[]>> axes = new LinkedHashMap<>();
        for (Node n : layers) {
            axes.putIfAbsent(n.inputs().get(0), a -> reduceAxes(n, a));
        }
        Map<String, double[]> byInput = work.calibrator(name(), "").channelMaxima(work.model, axes);
        Map<String, double[]> byLayer = new HashMap<>();
        for (Node n : layers) {
            byLayer.put(n.name(), byInput.get(n.inputs().get(0)));
        }
        ModelWidener.Widened split = ModelWidener.splitActivations(work.model, work.config.activationWidenSettings(),
                byLayer, work.progress, work.inputTypes);
        work.model = split.model();
        work.activationSplitting = split.report();
    }

    /** All axes of the layer's input but its channel axis. */
    private static int[] reduceAxes(Node consumer, INDArray a) {
        boolean channelsLast = consumer.layer() instanceof ConvolutionLayer c
                && c.getCnn2dDataFormat() == CNN2DFormat.NHWC;
        return a.rank() == 2 ? new int[] {0} : a.rank() == 3 ? new int[] {0, 2}
                : channelsLast ? new int[] {0, 1, 2} : new int[] {0, 2, 3};
    }
}
