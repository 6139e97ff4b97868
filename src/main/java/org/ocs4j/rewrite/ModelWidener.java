package org.ocs4j.rewrite;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.progress.Progress;
import org.ocs4j.split.SplitPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Weight OCS on a whole model: splits the selected layers' input channels and returns a NEW model of the same DL4J
 * type (MultiLayerNetwork stays MultiLayerNetwork, ComputationGraph stays ComputationGraph) that computes the same
 * function in FP32. The input model is never modified.
 */
public final class ModelWidener {

    private ModelWidener() {
    }

    /**
     * Widens a model.
     *
     * @param model      an initialized MultiLayerNetwork or ComputationGraph
     * @param settings   expand ratio, split options, policy
     * @param inputTypes the network input types, or none; needed for multiply-add counts
     * @return the widened model and its report
     */
    public static Widened widen(Model model, WidenSettings settings, InputType... inputTypes) {
        return widen(model, settings, Progress.NONE, inputTypes);
    }

    /**
     * Widens a model, reporting progress.
     *
     * @param progress told of planning (one step per candidate layer) and parameter copying (one per layer)
     */
    public static Widened widen(Model model, WidenSettings settings, Progress progress, InputType... inputTypes) {
        return widen(model, settings, GridClip.MAX_ABS, progress, inputTypes);
    }

    /**
     * Widens a model, choosing the grid of grid-aware splits with {@code gridClip}.
     *
     * @param gridClip clip value of each layer's plainly split weights (used only when grid-aware)
     */
    public static Widened widen(Model model, WidenSettings settings, GridClip gridClip, Progress progress,
                                InputType... inputTypes) {
        return build(plan(model, settings, gridClip, progress, inputTypes), progress);
    }

    /**
     * Plans weight OCS without building anything: which layers are split, where their duplicated channels come from,
     * the split weights, and the layers left alone.
     */
    public static WidenPlan plan(Model model, WidenSettings settings, GridClip gridClip, Progress progress,
                                 InputType... inputTypes) {
        return WidenPlanner.plan(NetworkGraph.of(model, inputTypes), settings, gridClip, progress);
    }

    /**
     * Activation OCS: splits the input channels with the largest calibrated max|a| of every selected
     * layer; the producer chain emits halved duplicates and the layer reads them with unhalved copies of its
     * columns, so the FP32 function is unchanged while the layer's input range shrinks. Layers whose chain cannot
     * be halved exactly (shared producer, ReLU6, sigmoid, tanh… after the halving point) are skipped and reported.
     *
     * @param inputChannelMaxima per layer name, the calibrated max|a| of each input channel
     */
    public static Widened splitActivations(Model model, WidenSettings settings, Map<String, double[]> inputChannelMaxima,
                                           Progress progress, InputType... inputTypes) {
        if (settings.gridAware()) {
            throw new IllegalArgumentException("activation OCS duplicates activations; grid-aware splitting applies to"
                    + " weights only");
        }
        NetworkGraph graph = NetworkGraph.of(model, inputTypes);
        return build(WidenPlanner.planActivations(graph, settings, inputChannelMaxima, progress), progress);
    }

    /** Builds a planned model (a plain copy when nothing is split) and its report. */
    public static Widened build(WidenPlan plan, Progress progress) {
        Model model = plan.graph().model();
        boolean shapesKnown = plan.graph().inputTypesKnown();
        ModelRebuilder.Rebuilt rebuilt = plan.splits().isEmpty()
                ? new ModelRebuilder.Rebuilt(org.ocs4j.graph.Networks.copy(model), Map.of())
                : ModelRebuilder.rebuild(plan, progress);
        return new Widened(rebuilt.model(), report(plan, rebuilt, shapesKnown));
    }

    private static WidenReport report(WidenPlan plan, ModelRebuilder.Rebuilt rebuilt, boolean shapesKnown) {
        List<LayerReport> layers = new ArrayList<>();
        long extraWeights = 0;
        long extraMacs = 0;
        for (WidenPlan.ConsumerSplit s : plan.splits()) {
            SplitPlan p = s.split().plan();
            long perChannel = s.split().weights().length() / p.widenedChannels();
            long weights = perChannel * p.splitCount();
            long macs = shapesKnown ? weights * outputPositions(plan.graph(), s) : -1;
            String via = s.realization() == Realization.WIDENED_PRODUCER
                    ? s.group().producer().label() : rebuilt.mergeVertices().get(s.consumer().name());
            layers.add(new LayerReport(s.consumer().label(), s.consumer().typeName(), p.originalChannels(), p.origin(),
                    s.path().featuresPerChannel(), weights, macs, s.realization(), via, p.maxAbsBefore(),
                    p.maxAbsAfter(), s.gridAlpha(), s.realization() == Realization.WIDENED_PRODUCER
                            ? s.group().appended() : p.origin(), s.gridAlphas()));
            extraWeights += weights;
            extraMacs += macs;
        }
        return new WidenReport(plan.settings(), layers, plan.skipped(), extraWeights, shapesKnown ? extraMacs : -1,
                plan.graph().model().numParams(), rebuilt.model().numParams());
    }

    /** Output positions per example: {@code H_out · W_out} for a conv, 1 for a dense layer. */
    private static long outputPositions(NetworkGraph graph, WidenPlan.ConsumerSplit s) {
        InputType out = graph.outputType(s.consumer().name()).orElseThrow();
        if (out instanceof InputType.InputTypeConvolutional c) {
            return c.getHeight() * c.getWidth();
        }
        return 1;
    }

    /**
     * A widened model and what was done to it.
     *
     * @param model  the new model (same DL4J type as the input)
     * @param report per-layer splits, skipped layers and totals
     */
    public record Widened(Model model, WidenReport report) {
    }
}
