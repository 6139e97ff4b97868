package org.ocs4j.quant;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ocs4j.graph.NetworkGraph;
import org.ocs4j.graph.Networks;
import org.ocs4j.graph.Node;
import org.ocs4j.progress.Progress;
import org.ocs4j.rewrite.LayerReport;
import org.ocs4j.rewrite.ModelWidener;
import org.ocs4j.rewrite.WidenReport;
import org.ocs4j.rewrite.WidenSettings;
import org.ocs4j.split.SplitOptions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fixed-point simulation of a whole model (OCS-SPEC §5): a NEW model of the same DL4J type in which every layer
 * the policy selects has fake-quantized weights (optionally after weight OCS, grid-aware on the same grid) and, when
 * activations are quantized, a {@link FakeQuantActivation} layer at its input with a static clip value calibrated
 * on the FP32 model. Biases stay FP32. The result runs with DL4J's own {@code output()}/{@code evaluate()} and saves
 * with {@code ModelSerializer} (restoring it needs ocs4j on the class path). The input model is never modified.
 */
public final class ModelQuantizer {

    private ModelQuantizer() {
    }

    /**
     * A simulated model and its report.
     *
     * @param model  the new model (same DL4J type)
     * @param layers one entry per quantized layer, in topological order
     * @param widen  the OCS report, or null when {@code expandRatio == 0}
     */
    public record Quantized(Model model, List<QuantizedLayer> layers, WidenReport widen) {
    }

    /**
     * Simulates fixed point.
     *
     * @param model       an MLN or CG (single input)
     * @param settings    bits, clip methods, OCS, policy
     * @param calibration batches for activation clip values (two passes, {@code reset()} between them); may be
     *                    null only when {@code settings.activationBits() == 0}
     */
    public static Quantized quantize(Model model, QuantizeSettings settings, DataSetIterator calibration,
                                     Progress progress) {
        return quantize(model, settings, calibration, null, progress);
    }

    /**
     * Simulates fixed point, reusing or writing a calibration cache.
     *
     * @param cacheFile a {@link CalibrationCache}: read when it exists (and refused if made for another model),
     *                  written after calibrating when it does not; null for none
     */
    public static Quantized quantize(Model model, QuantizeSettings settings, DataSetIterator calibration,
                                     java.nio.file.Path cacheFile, Progress progress) {
        Model base;
        WidenReport widenReport = null;
        if (settings.expandRatio() > 0) {
            WidenSettings widen = new WidenSettings(settings.expandRatio(), SplitOptions.PLAIN,
                    settings.gridAware() ? settings.weightBits() : 0, settings.policy());
            ModelWidener.Widened w = ModelWidener.widen(model, widen,
                    (weights, bits) -> clipAlpha(settings.weightClip(), weights, bits), progress);
            base = w.model();
            widenReport = w.report();
        } else {
            base = model instanceof MultiLayerNetwork m ? m.clone() : ((ComputationGraph) model).clone();
        }
        NetworkGraph graph = NetworkGraph.of(base);
        List<Node> quantized = graph.nodes().stream().filter(settings.policy()::quantizes).toList();
        if (quantized.isEmpty()) {
            throw new IllegalArgumentException("the layer policy " + settings.policy() + " selects no layer to quantize");
        }
        Map<String, TensorStatistics> inputStats = settings.activationBits() == 0 ? Map.of()
                : inputStatistics(base, graph, quantized.stream()
                        .filter(n -> n.kind() != org.ocs4j.graph.NodeKind.EMBEDDING).toList(), calibration,
                settings.calibrationBatches(), cacheFile, progress);

        Map<String, Double> gridAlphas = new HashMap<>();
        Map<String, LayerReport> widened = new HashMap<>();
        if (widenReport != null) {
            for (LayerReport l : widenReport.layers()) {
                if (!Double.isNaN(l.gridAlpha())) gridAlphas.put(l.layer(), l.gridAlpha());
                widened.put(l.layer(), l);
            }
        }
        NetworkGraph originalGraph = NetworkGraph.of(model);
        List<QuantizedLayer> report = new ArrayList<>();
        Map<String, FakeQuantActivation> inputQuantizers = new LinkedHashMap<>();
        progress.start("quantizing weights", quantized.size());
        for (Node n : quantized) {
            progress.step();
            double alpha = 0;
            double signal = 0;
            double noise = 0;
            List<String> splitNotes = new ArrayList<>();
            LayerReport split = widened.get(n.label());
            if (split != null) {
                splitNotes.add("W widened: +" + split.splitChannels().length + " input channels (" + split.realization()
                        + ")");
            }
            for (String key : weightKeys(n)) {
                INDArray w = paramView(base, n, key);
                INDArray original = w.dup();
                double a;
                if ("RW".equals(key) && settings.expandRatio() > 0 && !settings.perChannel()
                        && settings.policy().rejection(n) == null) {
                    int k = org.ocs4j.split.ChannelSplitter.splitCount(settings.expandRatio(), w.size(0));
                    a = quantizeFolded(w, settings, originalGraph.find(n.name()).map(o -> originalGraph.param(o, key))
                            .orElse(w));
                    splitNotes.add("RW folded: " + k + " recurrent channels split, halves quantized and summed back");
                } else {
                    a = quantizeWeight(n, key, w, settings, gridAlphas, originalGraph);
                }
                alpha = Math.max(alpha, a);
                signal += Math.pow(original.norm2Number().doubleValue(), 2);
                noise += Math.pow(original.sub(w).norm2Number().doubleValue(), 2);
            }
            double weightSqnr = noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
            double actAlpha = Double.NaN;
            FixedPointGrid actGrid = null;
            double actSqnr = Double.NaN;
            if (settings.activationBits() != 0 && n.kind() != org.ocs4j.graph.NodeKind.EMBEDDING) {
                TensorStatistics s = inputStats.get(n.inputs().get(0));
                boolean unsigned = !settings.referenceCompatible() && s.min() >= 0;
                actGrid = new FixedPointGrid(settings.activationBits(), !unsigned);
                actAlpha = s.maxAbs() == 0 ? 1.0
                        : settings.activationClip().estimate(s, actGrid.bits()).alpha();
                actSqnr = histogramSqnrDb(s, actGrid, actAlpha);
                inputQuantizers.put(n.name(), new FakeQuantActivation(actGrid, actAlpha));
            }
            report.add(new QuantizedLayer(n.label(), n.typeName(), alpha, weightSqnr, actAlpha, actGrid, actSqnr,
                    splitNotes.isEmpty() ? null : String.join("; ", splitNotes)));
        }
        progress.finish();
        Model result = inputQuantizers.isEmpty() ? base : ActivationQuantizers.insert(base, graph, inputQuantizers);
        return new Quantized(result, report, widenReport);
    }

    /** The weight matrices of a layer: {@code W}, and {@code RW} for an LSTM. Biases stay FP32. */
    private static List<String> weightKeys(Node n) {
        return n.kind() == org.ocs4j.graph.NodeKind.LSTM ? List.of("W", "RW") : List.of("W");
    }

    /** Output-channel axis of a weight for per-channel scales. */
    private static int outputAxis(Node n) {
        return switch (n.kind()) {
            case CONV -> 0;
            case DEPTHWISE_CONV -> 2;
            default -> 1;
        };
    }

    /**
     * Fake-quantizes one weight matrix in place.
     *
     * @return the clip value used (the largest one with per-channel scales)
     */
    private static double quantizeWeight(Node n, String key, INDArray w, QuantizeSettings settings,
                                         Map<String, Double> gridAlphas, NetworkGraph originalGraph) {
        FixedPointGrid grid = FixedPointGrid.signed(settings.weightBits());
        if (settings.perChannel()) {
            int axis = outputAxis(n);
            double[] alphas = perChannelAlphas(settings.weightClip(), w, axis, settings.weightBits());
            w.assign(grid.fakeQuantizePerChannel(w, axis, alphas));
            return java.util.Arrays.stream(alphas).max().orElse(0);
        }
        Double fromSplit = "W".equals(key) ? gridAlphas.get(n.label()) : null;
        double alpha;
        if (fromSplit != null) {
            alpha = fromSplit;
        } else if (settings.referenceCompatible() && originalGraph.find(n.name()).isPresent()) {
            alpha = clipAlpha(settings.weightClip(), originalGraph.param(originalGraph.node(n.name()), key),
                    settings.weightBits());
        } else {
            alpha = clipAlpha(settings.weightClip(), w, settings.weightBits());
        }
        w.assign(grid.fakeQuantize(w, alpha));
        return alpha;
    }

    /**
     * Weight OCS in folded form (DESIGN: recurrent weights): the rows of {@code w} (its input channels, here the
     * layer's own recurrent state, which cannot be duplicated) are split as for widening, the split tensor is
     * fake-quantized (grid-aware halves on its grid unless plain halving is asked for), and each appended row is
     * summed back into its original row. Arithmetically this is the widened cell: {@code (a + b)·h = a·h + b·h}.
     *
     * @param unsplit the layer's weight in the original model (for {@code referenceCompatible} clip values)
     * @return the clip value used
     */
    static double quantizeFolded(INDArray w, QuantizeSettings settings, INDArray unsplit) {
        FixedPointGrid grid = FixedPointGrid.signed(settings.weightBits());
        org.ocs4j.split.SplitResult split = TensorAnalysis.split(w, 0, settings.expandRatio(),
                org.ocs4j.split.SplitOptions.PLAIN);
        double alpha = clipAlpha(settings.weightClip(), settings.referenceCompatible() ? unsplit : split.weights(),
                settings.weightBits());
        if (settings.gridAware()) {
            split = TensorAnalysis.split(w, 0, settings.expandRatio(),
                    org.ocs4j.split.SplitOptions.PLAIN.withGridScale(grid.scale(alpha)));
        }
        w.assign(TensorAnalysis.fold(grid.fakeQuantize(split.weights(), alpha), 0, split));
        return alpha;
    }

    /** α of a weight tensor by {@code method} (α = max|w| for an all-zero tensor, which quantizes to zeros anyway). */
    static double clipAlpha(Clip method, INDArray weights, int bits) {
        TensorStatistics s = TensorStatistics.of(weights);
        if (s.maxAbs() == 0) {
            return 1.0;
        }
        return method.estimate(s, bits).alpha();
    }

    private static double[] perChannelAlphas(Clip method, INDArray w, int axis, int bits) {
        int channels = (int) w.size(axis);
        double[] alphas = new double[channels];
        if (method.method() == ClipMethod.NONE || method.method() == ClipMethod.MAX) {
            double factor = method.method() == ClipMethod.MAX ? method.parameter() : 1.0;
            double[] max = w.amax(org.ocs4j.split.Channels.otherAxes(w.rank(), axis)).toDoubleVector();
            for (int c = 0; c < channels; c++) alphas[c] = max[c] > 0 ? factor * max[c] : 1.0;
            return alphas;
        }
        for (int c = 0; c < channels; c++) {
            org.nd4j.linalg.indexing.INDArrayIndex[] index = new org.nd4j.linalg.indexing.INDArrayIndex[w.rank()];
            for (int d = 0; d < index.length; d++) {
                index[d] = d == axis ? org.nd4j.linalg.indexing.NDArrayIndex.point(c)
                        : org.nd4j.linalg.indexing.NDArrayIndex.all();
            }
            alphas[c] = clipAlpha(method, w.get(index).dup(), bits);
        }
        return alphas;
    }

    /** {@code 10·log10(Σx² / Σ(x - x̂)²)}; +∞ when nothing changed. */
    static double sqnrDb(INDArray original, INDArray quantized) {
        double signal = original.norm2Number().doubleValue();
        double noise = original.sub(quantized).norm2Number().doubleValue();
        return noise == 0 ? Double.POSITIVE_INFINITY : 20 * Math.log10(signal / noise);
    }

    /** SQNR of fake quantization on the calibration histogram (bin centres, exact grid arithmetic). */
    static double histogramSqnrDb(TensorStatistics s, FixedPointGrid grid, double alpha) {
        Histogram h = s.mseHistogram();
        double[] p = h.masses();
        double scale = grid.scale(alpha);
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < p.length; i++) {
            double x = h.centre(i);
            double q = Math.min(Math.max(Math.rint(x * scale), grid.minCode()), grid.maxCode()) / scale;
            signal += p[i] * x * x;
            noise += p[i] * (x - q) * (x - q);
        }
        return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
    }

    private static Map<String, TensorStatistics> inputStatistics(Model base, NetworkGraph graph, List<Node> layers,
                                                                 DataSetIterator data, int batches,
                                                                 java.nio.file.Path cacheFile, Progress progress) {
        if (cacheFile != null && java.nio.file.Files.exists(cacheFile)) {
            Map<String, TensorStatistics> cached = CalibrationCache.load(cacheFile, base).statistics();
            for (Node n : layers) {
                if (!cached.containsKey(n.inputs().get(0))) {
                    throw new IllegalArgumentException("calibration file " + cacheFile + " has no statistics for the"
                            + " input of " + n.describe() + " (made with another layer policy?)");
                }
            }
            return cached;
        }
        Map<String, TensorStatistics> stats = calibrate(base, graph, layers, data, batches, progress);
        if (cacheFile != null) {
            Map<String, TensorStatistics.Snapshot> snapshots = new LinkedHashMap<>();
            stats.forEach((k, v) -> snapshots.put(k, v.snapshot()));
            try {
                new CalibrationCache(CalibrationCache.fingerprint(base), batches, snapshots).save(cacheFile);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("could not write calibration file " + cacheFile, e);
            }
        }
        return stats;
    }

    /** Two passes over the calibration batches: statistics of every quantized layer's input, on the FP32 model. */
    private static Map<String, TensorStatistics> calibrate(Model model, NetworkGraph graph, List<Node> layers,
                                                           DataSetIterator data, int batches, Progress progress) {
        if (data == null) {
            throw new IllegalArgumentException("activation quantization needs calibration data; none was given");
        }
        if (graph.nodes().stream().filter(n -> n.kind() == org.ocs4j.graph.NodeKind.INPUT).count() != 1) {
            throw new IllegalArgumentException("calibration supports single-input models only");
        }
        Map<String, TensorStatistics> stats = new LinkedHashMap<>();
        for (Node n : layers) {
            stats.computeIfAbsent(n.inputs().get(0), k -> new TensorStatistics(TensorStatistics.DEFAULT_KL_BINS));
        }
        for (int pass = 0; pass < 2; pass++) {
            if (pass == 1 || data.resetSupported()) {
                if (!data.resetSupported()) {
                    throw new IllegalArgumentException("calibration needs two passes, but the iterator "
                            + data.getClass().getSimpleName() + " cannot reset");
                }
                data.reset();
            }
            progress.start(pass == 0 ? "calibrating ranges" : "calibrating histograms", batches);
            int seen = 0;
            while (data.hasNext() && seen < batches) {
                DataSet batch = data.next();
                Map<String, INDArray> acts = Networks.activations(model, batch.getFeatures(), false);
                for (Map.Entry<String, TensorStatistics> e : stats.entrySet()) {
                    INDArray a = acts.get(e.getKey());
                    if (pass == 0) e.getValue().observeRange(a);
                    else e.getValue().observeDistribution(a);
                }
                seen++;
                progress.step();
            }
            progress.finish();
            if (seen == 0) {
                throw new IllegalArgumentException("the calibration iterator is empty: no batch to calibrate on");
            }
        }
        return stats;
    }

    static INDArray paramView(Model model, Node n, String key) {
        return Networks.layer(model, n).getParam(key);
    }

    /** Inserts fake-quant activation layers at the inputs of layers, building a new model of the same type. */
    static final class ActivationQuantizers {

        private ActivationQuantizers() {
        }

        static Model insert(Model model, NetworkGraph graph, Map<String, FakeQuantActivation> atInputOf) {
            return model instanceof MultiLayerNetwork mln ? insert(mln, atInputOf) : insert((ComputationGraph) model,
                    atInputOf);
        }

        private static NeuralNetConfiguration activationConf(NeuralNetConfiguration template, String name,
                                                            FakeQuantActivation fq) {
            NeuralNetConfiguration c = template.clone();
            ActivationLayer layer = new ActivationLayer.Builder().activation(fq).name(name).build();
            c.setLayer(layer);
            return c;
        }

        private static MultiLayerNetwork insert(MultiLayerNetwork mln, Map<String, FakeQuantActivation> atInputOf) {
            MultiLayerConfiguration conf = mln.getLayerWiseConfigurations().clone();
            List<NeuralNetConfiguration> confs = new ArrayList<>();
            Map<Integer, InputPreProcessor> pre = new HashMap<>();
            int[] newIndex = new int[conf.getConfs().size()];
            for (int i = 0; i < conf.getConfs().size(); i++) {
                FakeQuantActivation fq = atInputOf.get(String.valueOf(i));
                NeuralNetConfiguration c = conf.getConf(i);
                if (fq != null) {
                    confs.add(activationConf(c, "ocs-aq-" + i, fq));
                }
                newIndex[i] = confs.size();
                confs.add(c);
                InputPreProcessor p = conf.getInputPreProcess(i);
                if (p != null) pre.put(newIndex[i], p);
            }
            conf.setConfs(confs);
            conf.setInputPreProcessors(pre);
            MultiLayerNetwork out = Networks.withZeroParameters(conf);
            for (int i = 0; i < newIndex.length; i++) {
                for (Map.Entry<String, INDArray> e : mln.getLayer(i).paramTable().entrySet()) {
                    out.getLayer(newIndex[i]).getParam(e.getKey()).assign(e.getValue());
                }
            }
            return out;
        }

        private static ComputationGraph insert(ComputationGraph cg, Map<String, FakeQuantActivation> atInputOf) {
            ComputationGraphConfiguration conf = cg.getConfiguration().clone();
            for (Map.Entry<String, FakeQuantActivation> e : atInputOf.entrySet()) {
                String layer = e.getKey();
                String name = Networks.freshName(conf, layer + "-ocs-aq");
                String source = conf.getVertexInputs().get(layer).get(0);
                LayerVertex template = (LayerVertex) conf.getVertices().get(layer);
                conf.getVertices().put(name, new LayerVertex(activationConf(template.getLayerConf(), name,
                        e.getValue()), null));
                conf.getVertexInputs().put(name, new ArrayList<>(List.of(source)));
                conf.getVertexInputs().put(layer, new ArrayList<>(List.of(name)));
            }
            ComputationGraph out = Networks.withZeroParameters(conf);
            for (org.deeplearning4j.nn.api.Layer l : cg.getLayers()) {
                String name = l.conf().getLayer().getLayerName();
                for (Map.Entry<String, INDArray> p : l.paramTable().entrySet()) {
                    out.getLayer(name).getParam(p.getKey()).assign(p.getValue());
                }
            }
            return out;
        }
    }
}
