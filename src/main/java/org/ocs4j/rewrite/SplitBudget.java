package org.ocs4j.rewrite;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.graph.Node;
import org.ocs4j.split.Channels;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Budgeted weight OCS: instead of {@code ceil(r·C)} splits in every layer, the extra weights uniform OCS at ratio
 * {@code r} would add are handed out split by split to the layer where the next split lowers the predicted output
 * error most per added weight. A layer's predicted error after its splits is {@code E_l · (M/M₀)²}: {@code E_l} its
 * measured sensitivity (the network's output error when that layer alone is quantized) and {@code M/M₀} how far its
 * max|w| has fallen — the grid step, and so the rounding noise's standard deviation, scale with it. A split lowers
 * M only once every channel holding the current maximum is split (plain halving: each such channel becomes two at
 * {@code M/2}), so one step of a layer is that group of splits, costing their weights together.
 */
public final class SplitBudget {

    private SplitBudget() {
    }

    /**
     * What the budget bought.
     *
     * @param splitCounts node name → splits, for the layers that get any
     * @param budget      the extra weights available (those of uniform OCS at the ratio)
     * @param spent       the extra weights the counts add
     */
    public record Allocation(Map<String, Integer> splitCounts, long budget, long spent) {
    }

    /** @return the layers a budget is handed out among: those uniform OCS splits */
    public static List<Node> candidates(WidenPlan uniform) {
        return uniform.splits().stream().map(WidenPlan.ConsumerSplit::consumer).toList();
    }

    /**
     * @param uniform     the plan of uniform OCS at the budget's ratio: its split layers are the candidates, its extra
     *                    weights the budget
     * @param sensitivity node name → output error of the network with that layer alone quantized ({@code E_l})
     */
    public static Allocation allocate(WidenPlan uniform, Map<String, Double> sensitivity) {
        long budget = 0;
        List<Candidate> candidates = new java.util.ArrayList<>();
        for (WidenPlan.ConsumerSplit s : uniform.splits()) {
            Node n = s.consumer();
            INDArray view = WeightLayout.channelView(n.kind(), uniform.graph().param(n, "W"),
                    s.path().featuresPerChannel());
            int axis = WeightLayout.inputAxis(n.kind());
            long perChannel = view.length() / view.size(axis);
            budget += perChannel * s.split().plan().splitCount();
            Double e = sensitivity.get(n.name());
            if (e == null) {
                throw new IllegalArgumentException("no sensitivity measured for " + n.describe());
            }
            candidates.add(new Candidate(n.name(), view.amax(Channels.otherAxes(view.rank(), axis)).toDoubleVector(),
                    perChannel, e));
        }
        return allocate(candidates, budget);
    }

    /**
     * One layer a budget may split.
     *
     * @param name              its node name
     * @param channelMaxima     max|w| of each of its input channels
     * @param weightsPerChannel weights one split adds
     * @param sensitivity       the network's output error with this layer alone quantized
     */
    public record Candidate(String name, double[] channelMaxima, long weightsPerChannel, double sensitivity) {
    }

    /** @return the splits {@code budget} extra weights buy among {@code candidates}, best predicted gain first */
    public static Allocation allocate(List<Candidate> candidates, long budget) {
        PriorityQueue<Layer> queue = new PriorityQueue<>((a, b) -> Double.compare(b.gainPerWeight(), a.gainPerWeight()));
        Map<String, Layer> layers = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            Layer l = new Layer(c.name(), c.channelMaxima(), c.weightsPerChannel(), c.sensitivity());
            layers.put(c.name(), l);
            if (l.canSplit()) queue.add(l);
        }
        long left = budget;
        while (!queue.isEmpty()) {
            Layer l = queue.poll();
            if (l.stepCost() <= left) {
                left -= l.stepCost();
                l.step();
                if (l.canSplit()) queue.add(l);
            }
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        layers.values().stream().filter(l -> l.splits > 0).forEach(l -> counts.put(l.name, l.splits));
        return new Allocation(counts, budget, budget - left);
    }

    /** One candidate layer: its channel maxima as value → how many channels hold it. */
    private static final class Layer {
        final String name;
        final TreeMap<Double, Integer> maxima = new TreeMap<>();
        final long perChannel;
        final double sensitivity;
        final double initialMax;
        int splits;

        Layer(String name, double[] channelMaxima, long perChannel, double sensitivity) {
            this.name = name;
            for (double m : channelMaxima) maxima.merge(m, 1, Integer::sum);
            this.perChannel = perChannel;
            this.sensitivity = sensitivity;
            this.initialMax = maxima.lastKey();
        }

        boolean canSplit() {
            return maxima.lastKey() > 0;
        }

        /** Weights added by splitting every channel at the current maximum. */
        long stepCost() {
            return perChannel * maxima.lastEntry().getValue();
        }

        /** Predicted error after the step: the maximum becomes the next one down, or half the current. */
        private double errorAfter() {
            double top = maxima.lastKey();
            Double next = maxima.lowerKey(top);
            double after = Math.max(next == null ? 0 : next, top / 2);
            return sensitivity * (after / initialMax) * (after / initialMax);
        }

        double gainPerWeight() {
            double top = maxima.lastKey() / initialMax;
            return (sensitivity * top * top - errorAfter()) / stepCost();
        }

        void step() {
            Map.Entry<Double, Integer> top = maxima.pollLastEntry();
            maxima.merge(top.getKey() / 2, 2 * top.getValue(), Integer::sum);
            splits += top.getValue();
        }
    }

    /** @return the allocation as {@code "conv1 3, conv2 1"}, by the labels of {@code plan}'s graph */
    public static String describe(Allocation a, WidenPlan plan) {
        List<String> parts = a.splitCounts().entrySet().stream()
                .map(e -> plan.graph().node(e.getKey()).label() + " " + e.getValue()).toList();
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }
}
