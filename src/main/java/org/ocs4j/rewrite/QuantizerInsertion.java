package org.ocs4j.rewrite;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ocs4j.graph.Networks;
import org.ocs4j.quant.FakeQuantActivation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inserts an {@code ActivationLayer} holding a {@link FakeQuantActivation} at the input of chosen layers, building a
 * NEW model of the same DL4J type with the same parameters (the input model is not modified).
 */
public final class QuantizerInsertion {

    private QuantizerInsertion() {
    }

    /**
     * A model with activation quantizers.
     *
     * @param model      the new model
     * @param quantizers consumer node name (in the input model) → node name of its quantizer in the new model
     * @param renamed    node name in the input model → its name in the new model, for the nodes whose name changed
     *                   (a MultiLayerNetwork's layers are numbered, so the inserted layers shift the numbers)
     */
    public record Inserted(Model model, Map<String, String> quantizers, Map<String, String> renamed) {

        /** @return the new model's name of a node of the input model */
        public String nameOf(String node) {
            return renamed.getOrDefault(node, node);
        }
    }

    /**
     * @param atInputOf node name of a layer → the quantizer to insert before it
     */
    public static Inserted insert(Model model, Map<String, FakeQuantActivation> atInputOf) {
        return model instanceof MultiLayerNetwork mln ? insert(mln, atInputOf)
                : insert((ComputationGraph) model, atInputOf);
    }

    private static NeuralNetConfiguration activationConf(NeuralNetConfiguration template, String name,
                                                        FakeQuantActivation fq) {
        NeuralNetConfiguration c = template.clone();
        c.setLayer(new ActivationLayer.Builder().activation(fq).name(name).build());
        return c;
    }

    private static Inserted insert(MultiLayerNetwork mln, Map<String, FakeQuantActivation> atInputOf) {
        MultiLayerConfiguration conf = mln.getLayerWiseConfigurations().clone();
        List<NeuralNetConfiguration> confs = new ArrayList<>();
        Map<Integer, InputPreProcessor> pre = new HashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        int[] newIndex = new int[conf.getConfs().size()];
        for (int i = 0; i < conf.getConfs().size(); i++) {
            FakeQuantActivation fq = atInputOf.get(String.valueOf(i));
            NeuralNetConfiguration c = conf.getConf(i);
            if (fq != null) {
                names.put(String.valueOf(i), String.valueOf(confs.size()));
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
        Map<String, String> renamed = new HashMap<>();
        for (int i = 0; i < newIndex.length; i++) {
            Networks.copyParameters(mln.getLayer(i), out.getLayer(newIndex[i]));
            renamed.put(String.valueOf(i), String.valueOf(newIndex[i]));
        }
        return new Inserted(out, names, renamed);
    }

    private static Inserted insert(ComputationGraph cg, Map<String, FakeQuantActivation> atInputOf) {
        ComputationGraphConfiguration conf = cg.getConfiguration().clone();
        Map<String, String> names = new LinkedHashMap<>();
        for (Map.Entry<String, FakeQuantActivation> e : atInputOf.entrySet()) {
            String layer = e.getKey();
            String name = Networks.freshName(conf, layer + "-ocs-aq");
            String source = conf.getVertexInputs().get(layer).get(0);
            LayerVertex template = (LayerVertex) conf.getVertices().get(layer);
            conf.getVertices().put(name, new LayerVertex(activationConf(template.getLayerConf(), name, e.getValue()),
                    null));
            conf.getVertexInputs().put(name, new ArrayList<>(List.of(source)));
            conf.getVertexInputs().put(layer, new ArrayList<>(List.of(name)));
            names.put(layer, name);
        }
        ComputationGraph out = Networks.withZeroParameters(conf);
        for (org.deeplearning4j.nn.api.Layer l : cg.getLayers()) {
            Networks.copyParameters(l, out.getLayer(l.conf().getLayer().getLayerName()));
        }
        return new Inserted(out, names, Map.of());
    }

    /**
     * Replaces the quantizer of node {@code quantizerNode} (made by {@link #insert}) by a calibrated one, in the
     * model's configuration and its running layer (the same object in DL4J).
     */
    public static void setQuantizer(Model model, String quantizerNode, FakeQuantActivation calibrated) {
        org.deeplearning4j.nn.api.Layer layer = model instanceof MultiLayerNetwork mln
                ? mln.getLayer(Integer.parseInt(quantizerNode)) : ((ComputationGraph) model).getLayer(quantizerNode);
        if (!(layer.conf().getLayer() instanceof ActivationLayer a)
                || !(a.getActivationFn() instanceof FakeQuantActivation)) {
            throw new IllegalArgumentException("node " + quantizerNode + " is not an activation quantizer");
        }
        a.setActivationFn(calibrated);
        NeuralNetConfiguration inConf = model instanceof MultiLayerNetwork mln
                ? mln.getLayerWiseConfigurations().getConf(Integer.parseInt(quantizerNode))
                : ((LayerVertex) ((ComputationGraph) model).getConfiguration().getVertices().get(quantizerNode))
                        .getLayerConf();
        ((ActivationLayer) inConf.getLayer()).setActivationFn(calibrated);
    }
}
