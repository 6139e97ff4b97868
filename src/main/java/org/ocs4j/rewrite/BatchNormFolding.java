package org.ocs4j.rewrite;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.ocs4j.graph.Networks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inference-only batch-norm folding: a batch norm whose input is a convolution, depthwise convolution or dense layer
 * with an identity activation, read by that batch norm alone, is merged into it — {@code W' = W · γ/√(σ²+ε)} per
 * output channel and {@code b' = (b − μ) · γ/√(σ²+ε) + β} — and removed. The result computes the same function in
 * inference (to float rounding) with fewer layers; it cannot be trained as before (batch statistics are gone).
 * Before weight quantization it gives the deployed model, whose quantized weights are those an integer engine runs;
 * after it, the simulated weights stay those of the unfolded layers. Works on ComputationGraphs and
 * MultiLayerNetworks; the input model is not modified.
 */
public final class BatchNormFolding {

    private BatchNormFolding() {
    }

    /**
     * What was folded.
     *
     * @param model  the folded network, of the input's type
     * @param folded batch-norm name → the layer it was folded into (layer indices, as strings, in an MLN)
     */
    public record Folded<M extends org.deeplearning4j.nn.api.Model>(M model, Map<String, String> folded) {
    }

    /** @return a new network of the same type with every foldable batch norm folded (possibly none) */
    public static Folded<? extends org.deeplearning4j.nn.api.Model> fold(org.deeplearning4j.nn.api.Model model) {
        return model instanceof ComputationGraph g ? fold(g) : fold((MultiLayerNetwork) model);
    }

    /** @return a new network with every foldable batch norm folded (possibly none) */
    public static Folded<MultiLayerNetwork> fold(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        List<NeuralNetConfiguration> confs = conf.getConfs();
        Map<String, String> folded = new LinkedHashMap<>();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < confs.size(); i++) {
            Layer l = confs.get(i).getLayer();
            if (i > 0 && l instanceof BatchNormalization && conf.getInputPreProcess(i) == null
                    && foldable(confs.get(i - 1).getLayer()) && !folded.containsValue(String.valueOf(i - 1))
                    && kept.contains(i - 1)) {
                folded.put(String.valueOf(i), String.valueOf(i - 1));
                continue;
            }
            kept.add(i);
        }
        if (folded.isEmpty()) {
            return new Folded<>(net.clone(), Map.of());
        }
        List<NeuralNetConfiguration> newConfs = new ArrayList<>();
        Map<Integer, org.deeplearning4j.nn.conf.InputPreProcessor> pre = new java.util.HashMap<>();
        for (int j = 0; j < kept.size(); j++) {
            int i = kept.get(j);
            NeuralNetConfiguration c = confs.get(i);
            if (folded.containsValue(String.valueOf(i))) {
                setBias(c.getLayer());
            }
            newConfs.add(c);
            if (conf.getInputPreProcess(i) != null) {
                pre.put(j, conf.getInputPreProcess(i));
            }
        }
        conf.setConfs(newConfs);
        conf.setInputPreProcessors(pre);
        MultiLayerNetwork out = Networks.withZeroParameters(conf);
        for (int j = 0; j < kept.size(); j++) {
            Networks.copyParameters(net.getLayer(kept.get(j)), out.getLayer(j));
        }
        for (Map.Entry<String, String> f : folded.entrySet()) {
            foldInto(net.getLayer(Integer.parseInt(f.getKey())),
                    out.getLayer(kept.indexOf(Integer.parseInt(f.getValue()))));
        }
        return new Folded<>(out, folded);
    }

    private static boolean foldable(Layer p) {
        boolean weightLayer = p instanceof ConvolutionLayer || p.getClass() == DenseLayer.class;
        return weightLayer && p instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b
                && b.getActivationFn() instanceof ActivationIdentity;
    }

    private static void setBias(Layer p) {
        if (p instanceof ConvolutionLayer c) {
            c.setHasBias(true);
        } else {
            ((DenseLayer) p).setHasBias(true);
        }
    }

    /** @return a new graph with every foldable batch norm folded (possibly none) */
    public static Folded<ComputationGraph> fold(ComputationGraph graph) {
        ComputationGraphConfiguration conf = graph.getConfiguration().clone();
        Map<String, String> folded = new LinkedHashMap<>();
        Map<String, List<String>> readers = readers(conf);
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (!(e.getValue() instanceof LayerVertex lv) || !(lv.getLayerConf().getLayer() instanceof BatchNormalization)) {
                continue;
            }
            List<String> inputs = conf.getVertexInputs().get(e.getKey());
            if (inputs.size() != 1 || !(conf.getVertices().get(inputs.get(0)) instanceof LayerVertex producer)) {
                continue;
            }
            Layer p = producer.getLayerConf().getLayer();
            if (foldable(p) && readers.get(inputs.get(0)).size() == 1
                    && !conf.getNetworkOutputs().contains(inputs.get(0))) {
                folded.put(e.getKey(), inputs.get(0));
            }
        }
        for (Map.Entry<String, String> f : folded.entrySet()) {
            setBias(((LayerVertex) conf.getVertices().get(f.getValue())).getLayerConf().getLayer());
            conf.getVertices().remove(f.getKey());
            conf.getVertexInputs().remove(f.getKey());
            for (List<String> in : conf.getVertexInputs().values()) {
                in.replaceAll(name -> name.equals(f.getKey()) ? f.getValue() : name);
            }
            conf.getNetworkOutputs().replaceAll(name -> name.equals(f.getKey()) ? f.getValue() : name);
        }
        if (folded.isEmpty()) {
            return new Folded<>(graph.clone(), Map.of());
        }
        ComputationGraph out = Networks.withZeroParameters(conf);
        for (org.deeplearning4j.nn.api.Layer layer : out.getLayers()) {
            Networks.copyParameters(graph.getLayer(layer.conf().getLayer().getLayerName()), layer);
        }
        for (Map.Entry<String, String> f : folded.entrySet()) {
            foldInto(graph.getLayer(f.getKey()), out.getLayer(f.getValue()));
        }
        return new Folded<>(out, folded);
    }

    private static void foldInto(org.deeplearning4j.nn.api.Layer bn, org.deeplearning4j.nn.api.Layer target) {
        BatchNormalization conf = (BatchNormalization) bn.conf().getLayer();
        INDArray gamma = bn.getParam("gamma").reshape(-1);
        INDArray beta = bn.getParam("beta").reshape(-1);
        INDArray mean = bn.getParam("mean").reshape(-1);
        INDArray var;
        if (conf.isUseLogStd()) { // DL4J stores log10(σ): σ² = (10^log10σ)²
            INDArray log10s = bn.getParam("log10stdev").reshape(-1);
            INDArray std = Transforms.pow(Nd4j.valueArrayOf(log10s.shape(), 10.0, log10s.dataType()), log10s);
            var = std.mul(std);
        } else {
            var = bn.getParam("var").reshape(-1);
        }
        INDArray scale = gamma.div(Transforms.sqrt(var.add(conf.getEps())));
        INDArray w = target.getParam("W");
        Layer t = target.conf().getLayer();
        if (t instanceof DepthwiseConvolution2D) { // [kh, kw, in, multiplier]; output channel = in·m + j
            w.muli(scale.reshape(1, 1, w.size(2), w.size(3)));
        } else if (t instanceof ConvolutionLayer) { // [out, in, kh, kw]
            w.muli(scale.reshape(w.size(0), 1, 1, 1));
        } else { // dense [in, out]
            w.muli(scale.reshape(1, w.size(1)));
        }
        INDArray b = target.getParam("b");
        INDArray folded = b.reshape(-1).sub(mean).muli(scale).addi(beta);
        b.assign(folded.reshape(b.shape()));
    }

    private static Map<String, List<String>> readers(ComputationGraphConfiguration conf) {
        Map<String, List<String>> readers = new LinkedHashMap<>();
        for (String v : conf.getVertices().keySet()) {
            readers.put(v, new ArrayList<>());
        }
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            for (String in : e.getValue()) {
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(e.getKey());
            }
        }
        return readers;
    }
}
