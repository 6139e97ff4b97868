package org.ocs4j.graph;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A framework-neutral, topologically ordered view of a {@link MultiLayerNetwork} or {@link ComputationGraph}: nodes,
 * their inputs and consumers, preprocessors and parameters. A view only: it never changes the model.
 *
 * <p>In an MLN the nodes are {@code "input"} followed by the layers named by index ({@code "0"}, {@code "1"}, …); in
 * a CG they are the network inputs and vertices under their own names.
 */
public final class NetworkGraph {

    /** Name of the single input node of a MultiLayerNetwork view. */
    public static final String MLN_INPUT = "input";

    private final Model model;
    private final Map<String, Node> nodes;
    private final Map<String, List<String>> consumers;
    private final List<String> outputs;
    private final Map<String, InputType> activationTypes;

    private NetworkGraph(Model model, Map<String, Node> nodes, List<String> outputs,
                         Map<String, InputType> activationTypes) {
        this.model = model;
        this.nodes = Collections.unmodifiableMap(nodes);
        this.outputs = List.copyOf(outputs);
        this.activationTypes = activationTypes == null ? Map.of() : Collections.unmodifiableMap(activationTypes);
        Map<String, List<String>> cons = new LinkedHashMap<>();
        for (Node n : nodes.values()) {
            cons.put(n.name(), new ArrayList<>());
        }
        for (Node n : nodes.values()) {
            for (String in : n.inputs()) {
                cons.get(in).add(n.name());
            }
        }
        cons.replaceAll((k, v) -> List.copyOf(v));
        this.consumers = Collections.unmodifiableMap(cons);
    }

    /**
     * Views a MultiLayerNetwork or ComputationGraph.
     *
     * @param model      an initialized MLN or CG
     * @param inputTypes the network input types, or none; with them every node's output type (and so spatial sizes
     *                   for multiply-add counts) is known
     */
    public static NetworkGraph of(Model model, InputType... inputTypes) {
        if (model instanceof MultiLayerNetwork mln) {
            return ofMultiLayer(mln, inLayout(mln, inputTypes));
        }
        if (model instanceof ComputationGraph cg) {
            return ofGraph(cg, inLayout(cg, inputTypes));
        }
        throw new IllegalArgumentException("ocs4j works on MultiLayerNetwork and ComputationGraph models, not "
                + (model == null ? "null" : model.getClass().getName()));
    }

    private static NetworkGraph ofMultiLayer(MultiLayerNetwork mln, InputType... inputTypes) {
        MultiLayerConfiguration conf = mln.getLayerWiseConfigurations();
        Map<String, Node> nodes = new LinkedHashMap<>();
        nodes.put(MLN_INPUT, new Node(MLN_INPUT, MLN_INPUT, NodeKind.INPUT, null, null, List.of(), null, ""));
        String previous = MLN_INPUT;
        int n = conf.getConfs().size();
        for (int i = 0; i < n; i++) {
            Layer layer = conf.getConf(i).getLayer();
            String name = String.valueOf(i);
            String label = layer.getLayerName() != null ? layer.getLayerName() : name;
            nodes.put(name, new Node(name, label, NodeKind.of(layer), layer, null, List.of(previous),
                    conf.getInputPreProcess(i), i + "_"));
            previous = name;
        }
        Map<String, InputType> types = null;
        if (inputTypes.length > 0) {
            requireInputCount(inputTypes, 1);
            types = new LinkedHashMap<>();
            types.put(MLN_INPUT, inputTypes[0]);
            List<InputType> perLayer = conf.getLayerActivationTypes(inputTypes[0]);
            for (int i = 0; i < n; i++) {
                types.put(String.valueOf(i), perLayer.get(i));
            }
        }
        return new NetworkGraph(mln, nodes, List.of(previous), types);
    }

    /**
     * Image input types in the model's layout: a channels-last model (a Keras import) gets NHWC types for the same
     * channels, height and width, so callers describe shapes one way for every model.
     */
    private static InputType[] inLayout(Model model, InputType[] types) {
        org.deeplearning4j.nn.conf.CNN2DFormat format = null;
        List<Layer> layers = model instanceof MultiLayerNetwork mln
                ? mln.getLayerWiseConfigurations().getConfs().stream().map(c -> c.getLayer()).toList()
                : ((ComputationGraph) model).getConfiguration().getVertices().values().stream()
                        .filter(v -> v instanceof LayerVertex).map(v -> ((LayerVertex) v).getLayerConf().getLayer())
                        .toList();
        for (Layer l : layers) {
            if (l instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer c) {
                format = c.getCnn2dDataFormat();
                break;
            }
        }
        if (format != org.deeplearning4j.nn.conf.CNN2DFormat.NHWC) {
            return types;
        }
        InputType[] adapted = types.clone();
        for (int i = 0; i < adapted.length; i++) {
            if (adapted[i] instanceof InputType.InputTypeConvolutional c) {
                adapted[i] = InputType.convolutional(c.getHeight(), c.getWidth(), c.getChannels(), format);
            }
        }
        return adapted;
    }

    private static NetworkGraph ofGraph(ComputationGraph cg, InputType... inputTypes) {
        ComputationGraphConfiguration conf = cg.getConfiguration();
        Map<String, Node> nodes = new LinkedHashMap<>();
        org.deeplearning4j.nn.graph.vertex.GraphVertex[] vertices = cg.getVertices();
        for (int idx : cg.topologicalSortOrder()) {
            String name = vertices[idx].getVertexName();
            if (conf.getNetworkInputs().contains(name)) {
                nodes.put(name, new Node(name, name, NodeKind.INPUT, null, null, List.of(), null, ""));
                continue;
            }
            GraphVertex v = conf.getVertices().get(name);
            List<String> inputs = conf.getVertexInputs().get(name);
            if (v instanceof LayerVertex lv) {
                Layer layer = lv.getLayerConf().getLayer();
                nodes.put(name, new Node(name, name, NodeKind.of(layer), layer, null, inputs, lv.getPreProcessor(),
                        name + "_"));
            } else {
                nodes.put(name, new Node(name, name, NodeKind.of(v), null, v, inputs, null, name + "_"));
            }
        }
        Map<String, InputType> types = null;
        if (inputTypes.length > 0) {
            requireInputCount(inputTypes, conf.getNetworkInputs().size());
            types = new LinkedHashMap<>(conf.clone().getLayerActivationTypes(true, false, inputTypes));
            for (int i = 0; i < inputTypes.length; i++) {
                types.put(conf.getNetworkInputs().get(i), inputTypes[i]);
            }
        }
        return new NetworkGraph(cg, nodes, conf.getNetworkOutputs(), types);
    }

    private static void requireInputCount(InputType[] inputTypes, int expected) {
        if (inputTypes.length != expected) {
            throw new IllegalArgumentException("the network has " + expected + " input(s) but " + inputTypes.length
                    + " input type(s) were given");
        }
    }

    /** @return the model this view describes */
    public Model model() {
        return model;
    }

    /** @return true for a ComputationGraph, false for a MultiLayerNetwork */
    public boolean isComputationGraph() {
        return model instanceof ComputationGraph;
    }

    /** @return all nodes in topological order */
    public List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    /** @return the node of that name */
    public Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no node named \"" + name + "\" in this " + modelTypeName());
        }
        return n;
    }

    /** @return the node whose name or label is {@code nameOrLabel}, if any */
    public Optional<Node> find(String nameOrLabel) {
        Node n = nodes.get(nameOrLabel);
        if (n != null) return Optional.of(n);
        return nodes.values().stream().filter(x -> x.label().equals(nameOrLabel)).findFirst();
    }

    /** @return names of the nodes that take this node's output as an input */
    public List<String> consumers(String name) {
        return consumers.get(node(name).name());
    }

    /** @return true when this node's output is a network output */
    public boolean isNetworkOutput(String name) {
        return outputs.contains(name);
    }

    /** @return the network output node names */
    public List<String> outputs() {
        return outputs;
    }

    /** @return whether the view was built with input types (so every node's output type is known) */
    public boolean inputTypesKnown() {
        return !activationTypes.isEmpty();
    }

    /** @return the output type of a node, when the view was built with input types */
    public Optional<InputType> outputType(String name) {
        return Optional.ofNullable(activationTypes.get(name));
    }

    /** @return the type of the activations entering {@code node} (before its preprocessor), if known */
    public Optional<InputType> inputType(Node node) {
        return node.inputs().size() == 1 ? outputType(node.inputs().get(0)) : Optional.empty();
    }

    /** @return parameter names of the node, in DL4J's order (empty for parameter-free nodes) */
    public List<String> paramKeys(Node node) {
        return new ArrayList<>(paramViews(node).keySet());
    }

    /** @return a copy (never a view: slicing a parameter view of a network can return an empty array or fail, depending on its offset in the flat parameter vector) of the node's parameter */
    public INDArray param(Node node, String key) {
        INDArray view = paramViews(node).get(key);
        if (view == null) {
            throw new IllegalArgumentException(node.describe() + " has no parameter \"" + key + "\"");
        }
        return view.dup();
    }

    private Map<String, INDArray> paramViews(Node node) {
        if (node.layer() == null) {
            return Map.of();
        }
        return Networks.layer(model, node).paramTable();
    }

    /** Calls the visitor once per node, in topological order. */
    public void accept(GraphVisitor visitor) {
        for (Node n : nodes.values()) {
            visitor.visit(n, this);
        }
    }

    /** @return "MultiLayerNetwork" or "ComputationGraph" */
    public String modelTypeName() {
        return isComputationGraph() ? "ComputationGraph" : "MultiLayerNetwork";
    }

    @Override
    public String toString() {
        return "NetworkGraph[" + modelTypeName() + ", " + nodes.size() + " nodes]";
    }
}
